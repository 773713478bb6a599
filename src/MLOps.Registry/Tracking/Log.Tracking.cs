using Microsoft.Extensions.Logging;

namespace MLOps.Registry.Internal;

/// <summary>Experiment tracking and training events (EventIds 500–549).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 500, EventName = "TrackingLockContended", Level = LogLevel.Debug,
        Message = "Tracking lock '{LockPath}' is held by another process or instance; waiting.")]
    public static partial void TrackingLockContended(ILogger logger, string lockPath);

    [LoggerMessage(EventId = 501, EventName = "ExperimentCreated", Level = LogLevel.Information,
        Message = "Created experiment '{ExperimentName}'.")]
    public static partial void ExperimentCreated(ILogger logger, string experimentName);

    [LoggerMessage(EventId = 502, EventName = "RunStarted", Level = LogLevel.Information,
        Message = "Started run {RunId} ('{RunName}') of experiment '{ExperimentName}'.")]
    public static partial void RunStarted(ILogger logger, string runId, string? runName, string experimentName);

    [LoggerMessage(EventId = 503, EventName = "RunEnded", Level = LogLevel.Information,
        Message = "Run {RunId} of experiment '{ExperimentName}' ended {Status}.")]
    public static partial void RunEnded(ILogger logger, string runId, string experimentName, RunStatus status);

    [LoggerMessage(EventId = 520, EventName = "TrainingStarted", Level = LogLevel.Information,
        Message = "Training model '{ModelName}' in run {RunId} on {RowCount} rows (dataset '{DatasetName}', {Digest}).")]
    public static partial void TrainingStarted(ILogger logger, string modelName, string runId, long rowCount, string datasetName, string digest);

    [LoggerMessage(EventId = 521, EventName = "TrainingRegistered", Level = LogLevel.Information,
        Message = "Run {RunId} registered version {Version} of model '{ModelName}'.")]
    public static partial void TrainingRegistered(ILogger logger, string runId, ModelVersion version, string modelName);

    [LoggerMessage(EventId = 522, EventName = "TrainingFailed", Level = LogLevel.Error,
        Message = "Training model '{ModelName}' in run {RunId} failed; the run is marked {Status} and nothing was registered.")]
    public static partial void TrainingFailed(ILogger logger, Exception exception, string modelName, string runId, RunStatus status);

    [LoggerMessage(EventId = 523, EventName = "TrainingMetricNotFinite", Level = LogLevel.Warning,
        Message = "Metric '{Metric}' of run {RunId} is {Value} on the hold-out and is not logged (too few rows or one class only?).")]
    public static partial void TrainingMetricNotFinite(ILogger logger, string metric, string runId, double value);

    [LoggerMessage(EventId = 524, EventName = "TrainingPromotionRejected", Level = LogLevel.Warning,
        Message = "Version {Version} of model '{ModelName}' was registered but not promoted to '{Alias}': {Failure}")]
    public static partial void TrainingPromotionRejected(ILogger logger, ModelVersion version, string modelName, string alias, string failure);

    [LoggerMessage(EventId = 525, EventName = "TrainingRunNotFinalized", Level = LogLevel.Error,
        Message = "Could not record run {RunId} as {Status}; it may still show as Running.")]
    public static partial void TrainingRunNotFinalized(ILogger logger, Exception exception, string runId, RunStatus status);

    [LoggerMessage(EventId = 526, EventName = "TrackingArtifactCleanupFailed", Level = LogLevel.Warning,
        Message = "Could not delete blob '{Key}' left by a failed artifact upload of run {RunId}; it is not listed as an artifact.")]
    public static partial void TrackingArtifactCleanupFailed(ILogger logger, Exception exception, string key, string runId);
}
