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
}
