using Microsoft.Extensions.Logging;

namespace MLOps.Registry.Internal;

/// <summary>Experiment tracking and training events (EventIds 500–549; the shared pipeline's 520–523 and 525 are in MLOps.Core).</summary>
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

    [LoggerMessage(EventId = 524, EventName = "TrainingPromotionRejected", Level = LogLevel.Warning,
        Message = "Version {Version} of model '{ModelName}' was registered but not promoted to '{Alias}': {Failure}")]
    public static partial void TrainingPromotionRejected(ILogger logger, ModelVersion version, string modelName, string alias, string failure);

    [LoggerMessage(EventId = 526, EventName = "TrackingArtifactCleanupFailed", Level = LogLevel.Warning,
        Message = "Could not delete blob '{Key}' left by a failed artifact upload of run {RunId}; it is not listed as an artifact.")]
    public static partial void TrackingArtifactCleanupFailed(ILogger logger, Exception exception, string key, string runId);
}
