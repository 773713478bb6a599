using Microsoft.Extensions.Logging;

namespace MLOps.Registry.Internal;

internal static partial class Log
{
    [LoggerMessage(EventId = 200, EventName = "RegistryLockContended", Level = LogLevel.Debug,
        Message = "Registry lock '{LockPath}' is held by another process or instance; waiting.")]
    public static partial void LockContended(ILogger logger, string lockPath);

    [LoggerMessage(EventId = 201, EventName = "ModelVersionRegistered", Level = LogLevel.Information,
        Message = "Registered version {Version} of model '{ModelName}' ({ArtifactCount} artifacts) by {Actor}.")]
    public static partial void VersionRegistered(ILogger logger, string modelName, ModelVersion version, int artifactCount, string actor);

    /// <summary>Logs an alias move; a side with no version (the alias was new, or was removed) reads "(none)".</summary>
    public static void AliasMoved(ILogger logger, string modelName, string alias, ModelVersion? previousVersion, ModelVersion? version, AliasAction action, string actor, string? reason)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            string from = previousVersion?.ToString() ?? NoVersion, to = version?.ToString() ?? NoVersion;
            AliasMovedCore(logger, modelName, alias, from, to, action, actor, reason);
        }
    }

    private const string NoVersion = "(none)";

    [LoggerMessage(EventId = 202, EventName = "ModelAliasMoved", Level = LogLevel.Information,
        Message = "Alias '{Alias}' of model '{ModelName}' moved from {PreviousVersion} to {Version} ({Action} by {Actor}): {Reason}")]
    private static partial void AliasMovedCore(ILogger logger, string modelName, string alias, string previousVersion, string version, AliasAction action, string actor, string? reason);

    [LoggerMessage(EventId = 203, EventName = "ModelPromotionRejected", Level = LogLevel.Warning,
        Message = "Promotion of version {Version} of model '{ModelName}' to '{Alias}' was rejected: {Failures}")]
    public static partial void PromotionRejected(ILogger logger, string modelName, ModelVersion version, string alias, string failures);

    [LoggerMessage(EventId = 204, EventName = "ModelVersionRegistrationFailed", Level = LogLevel.Error,
        Message = "Registering version {Version} of model '{ModelName}' failed; the version is marked failed.")]
    public static partial void RegistrationFailed(ILogger logger, Exception exception, string modelName, ModelVersion version);

    [LoggerMessage(EventId = 205, EventName = "RegistryWatcherUnavailable", Level = LogLevel.Warning,
        Message = "Cannot watch registry directory '{RootPath}' for changes by other processes; subscribers rely on polling.")]
    public static partial void WatcherUnavailable(ILogger logger, Exception exception, string rootPath);

    [LoggerMessage(EventId = 206, EventName = "RegistryAuditAppendDeferred", Level = LogLevel.Warning,
        Message = "The change to model '{ModelName}' ({Action}) is made, but its audit event could not be appended to '{AuditPath}'; it is kept with the change, returned by audit queries and appended by the next write.")]
    public static partial void AuditAppendDeferred(ILogger logger, Exception exception, string modelName, string action, string auditPath);

    [LoggerMessage(EventId = 220, EventName = "RegistryWatcherFailed", Level = LogLevel.Warning,
        Message = "The watcher of registry directory '{RootPath}' failed (events may have been lost); subscribers are told every model may have changed.")]
    public static partial void WatcherFailed(ILogger logger, Exception exception, string rootPath);

    [LoggerMessage(EventId = 207, EventName = "RegistrySubscriberFailed", Level = LogLevel.Warning,
        Message = "A registry change subscriber threw while handling {Kind} of model '{ModelName}'.")]
    public static partial void SubscriberFailed(ILogger logger, Exception exception, RegistryChangeKind kind, string modelName);

    [LoggerMessage(EventId = 208, EventName = "RegistryAuditRepaired", Level = LogLevel.Information,
        Message = "Appended {Count} audit event(s) of model '{ModelName}' that an earlier write could not append.")]
    public static partial void AuditRepaired(ILogger logger, string modelName, int count);

    [LoggerMessage(EventId = 209, EventName = "ModelVersionMarkFailedFailed", Level = LogLevel.Error,
        Message = "Version {Version} of model '{ModelName}' could not be marked failed; it stays pending (never served).")]
    public static partial void MarkFailedFailed(ILogger logger, Exception exception, string modelName, ModelVersion version);

    [LoggerMessage(EventId = 210, EventName = "RegistryArtifactCleanupFailed", Level = LogLevel.Warning,
        Message = "Could not delete the unreferenced registry file '{Key}'.")]
    public static partial void ArtifactCleanupFailed(ILogger logger, Exception exception, string key);

    [LoggerMessage(EventId = 230, EventName = "RolloutStarted", Level = LogLevel.Information,
        Message = "Rollout '{RolloutId}' of model '{ModelName}' started ({Strategy}): version {Candidate} against {Primary}, at {CandidateWeight} %, by {Actor}.")]
    public static partial void RolloutStarted(
        ILogger logger, string modelName, string rolloutId, RolloutStrategy strategy, ModelVersion primary, ModelVersion candidate, int candidateWeight, string actor);

    [LoggerMessage(EventId = 231, EventName = "RolloutDecided", Level = LogLevel.Information,
        Message = "Rollout '{RolloutId}' of model '{ModelName}': {Action} by {Actor}, now {State} at step {Step} ({CandidateWeight} %): {Reason}")]
    public static partial void RolloutDecided(
        ILogger logger, string modelName, string rolloutId, RolloutAction action, RolloutState state, int step, int candidateWeight, string actor, string reason);
}
