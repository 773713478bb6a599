using Microsoft.Extensions.Logging;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>Log messages of the PostgreSQL prediction log (EventIds 270–279; category <c>MLOps.Registry.PredictionLog</c>).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 270, EventName = "PredictionLogWriteFailed", Level = LogLevel.Warning,
        Message = "Writing {Count} predictions to the PostgreSQL prediction log failed; they are held for one retry with the next batch. Until a write succeeds, predictions that fail twice are given up and counted in mlops.prediction_log.abandoned.")]
    public static partial void PredictionLogWriteFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 271, EventName = "PredictionLogWriteFailedAgain", Level = LogLevel.Debug,
        Message = "Writing {Count} predictions to the PostgreSQL prediction log failed again: {Error}")]
    public static partial void PredictionLogWriteFailedAgain(ILogger logger, int count, string error);

    [LoggerMessage(EventId = 272, EventName = "PredictionLogWritesResumed", Level = LogLevel.Information,
        Message = "Writes to the PostgreSQL prediction log succeed again; {Abandoned} predictions were given up meanwhile.")]
    public static partial void PredictionLogWritesResumed(ILogger logger, long abandoned);

    [LoggerMessage(EventId = 273, EventName = "PredictionLogPartitionCreated", Level = LogLevel.Information,
        Message = "Created partition {Partition} of the prediction log (schema '{Schema}').")]
    public static partial void PredictionLogPartitionCreated(ILogger logger, string partition, string schema);

    [LoggerMessage(EventId = 274, EventName = "PredictionLogPartitionDropped", Level = LogLevel.Information,
        Message = "Dropped partition {Partition} of the prediction log (schema '{Schema}'): older than the retention period.")]
    public static partial void PredictionLogPartitionDropped(ILogger logger, string partition, string schema);

    [LoggerMessage(EventId = 275, EventName = "PredictionLogFeedbackDeleted", Level = LogLevel.Debug,
        Message = "Deleted {Count} feedback rows of predictions made before {Cutoff} and no longer in the log (schema '{Schema}').")]
    public static partial void PredictionLogFeedbackDeleted(ILogger logger, long count, DateTimeOffset cutoff, string schema);

    [LoggerMessage(EventId = 276, EventName = "PredictionLogMaintenanceFailed", Level = LogLevel.Warning,
        Message = "The prediction log's partition maintenance (schema '{Schema}') failed; trying again in {Delay}.")]
    public static partial void PredictionLogMaintenanceFailed(ILogger logger, Exception exception, string schema, TimeSpan delay);

    [LoggerMessage(EventId = 277, EventName = "PredictionLogQualityWindowsDeleted", Level = LogLevel.Debug,
        Message = "Deleted {Count} published fleet quality windows that ended before {Cutoff} (schema '{Schema}'); each version and variant's latest is kept.")]
    public static partial void PredictionLogQualityWindowsDeleted(ILogger logger, long count, DateTimeOffset cutoff, string schema);
}
