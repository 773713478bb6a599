using Microsoft.Extensions.Logging;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>Log messages of the PostgreSQL registry (EventIds 250–299).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 250, EventName = "PostgresMigrationApplied", Level = LogLevel.Information,
        Message = "PostgreSQL registry schema '{Schema}': applied migration {Version} ({Name}).")]
    public static partial void MigrationApplied(ILogger logger, string schema, int version, string name);

    [LoggerMessage(EventId = 251, EventName = "PostgresSchemaUpToDate", Level = LogLevel.Debug,
        Message = "PostgreSQL registry schema '{Schema}' is at version {Version}; nothing to migrate.")]
    public static partial void SchemaUpToDate(ILogger logger, string schema, int version);

    [LoggerMessage(EventId = 252, EventName = "PostgresListenerConnected", Level = LogLevel.Information,
        Message = "PostgreSQL registry change listener connected: LISTEN on channel '{Channel}' (server process {ProcessId}).")]
    public static partial void ListenerConnected(ILogger logger, string channel, int processId);

    [LoggerMessage(EventId = 253, EventName = "PostgresListenerDisconnected", Level = LogLevel.Warning,
        Message = "PostgreSQL registry change listener on channel '{Channel}' lost its connection; reconnecting in {Delay}. Changes are picked up by polling meanwhile.")]
    public static partial void ListenerDisconnected(ILogger logger, Exception exception, string channel, TimeSpan delay);

    [LoggerMessage(EventId = 254, EventName = "PostgresNotificationFailed", Level = LogLevel.Warning,
        Message = "A PostgreSQL registry change notification on channel '{Channel}' could not be handled.")]
    public static partial void NotificationFailed(ILogger logger, Exception exception, string channel);


    [LoggerMessage(EventId = 256, EventName = "PostgresPollFailed", Level = LogLevel.Warning,
        Message = "Polling the PostgreSQL registry (schema '{Schema}') for changes failed; retrying in {Interval}.")]
    public static partial void PollFailed(ILogger logger, Exception exception, string schema, TimeSpan interval);

    [LoggerMessage(EventId = 257, EventName = "PostgresArtifactCleanupFailed", Level = LogLevel.Warning,
        Message = "Could not delete artifact '{Key}' left by a failed registration of model '{ModelName}'.")]
    public static partial void ArtifactCleanupFailed(ILogger logger, Exception exception, string key, string modelName);

    [LoggerMessage(EventId = 260, EventName = "PostgresBecameLeader", Level = LogLevel.Information,
        Message = "This replica is now the leader (PostgreSQL advisory lock '{LockName}').")]
    public static partial void BecameLeader(ILogger logger, string lockName);

    [LoggerMessage(EventId = 261, EventName = "PostgresSteppedDown", Level = LogLevel.Information,
        Message = "This replica is no longer the leader (PostgreSQL advisory lock '{LockName}').")]
    public static partial void SteppedDown(ILogger logger, string lockName);

    [LoggerMessage(EventId = 262, EventName = "PostgresLeaderConnectionLost", Level = LogLevel.Warning,
        Message = "The leader election connection (lock '{LockName}') failed; not leader, competing again in {Delay}.")]
    public static partial void LeaderConnectionLost(ILogger logger, Exception exception, string lockName, TimeSpan delay);

    [LoggerMessage(EventId = 263, EventName = "PostgresLeadershipHandlerFailed", Level = LogLevel.Warning,
        Message = "A leadership subscriber failed (lock '{LockName}', leader: {IsLeader}).")]
    public static partial void LeadershipHandlerFailed(ILogger logger, Exception exception, string lockName, bool isLeader);

    [LoggerMessage(EventId = 264, EventName = "PostgresHeartbeatFailed", Level = LogLevel.Warning,
        Message = "Writing the fleet heartbeat of replica '{ReplicaId}' failed; trying again in {Interval}.")]
    public static partial void HeartbeatFailed(ILogger logger, Exception exception, string replicaId, TimeSpan interval);
}
