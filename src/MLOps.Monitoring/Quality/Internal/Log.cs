using Microsoft.Extensions.Logging;

namespace MLOps.Monitoring.Quality.Internal;

/// <summary>Log messages of model-quality monitoring and feedback (EventIds 350–399).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 350, EventName = "FeedbackNotJoined", Level = LogLevel.Debug,
        Message = "Feedback for prediction {PredictionId} was not joined: {Outcome}.")]
    public static partial void FeedbackNotJoined(ILogger logger, PredictionId predictionId, MLOps.Monitoring.Quality.Feedback.FeedbackOutcome outcome);

    [LoggerMessage(EventId = 351, EventName = "QualityWindowHandlerFailed", Level = LogLevel.Warning,
        Message = "A quality window subscriber threw for model '{ModelName}' version {Version} ({Variant}); the other subscribers still ran.")]
    public static partial void QualityWindowHandlerFailed(ILogger logger, Exception exception, string modelName, ModelVersion version, string variant);

    [LoggerMessage(EventId = 352, EventName = "QualityWindowClosed", Level = LogLevel.Debug,
        Message = "Quality window of model '{ModelName}' version {Version} ({Variant}) closed with {Count} labelled predictions.")]
    public static partial void QualityWindowClosed(ILogger logger, string modelName, ModelVersion version, string variant, long count);

    [LoggerMessage(EventId = 353, EventName = "PredictionLogWriteFailed", Level = LogLevel.Warning,
        Message = "Writing {Count} predictions to the prediction log failed; they are dropped.")]
    public static partial void PredictionLogWriteFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 354, EventName = "PredictionLogLinesSkipped", Level = LogLevel.Warning,
        Message = "Skipped {Count} unreadable lines (for example a line torn by a crash) in {Path}.")]
    public static partial void PredictionLogLinesSkipped(ILogger logger, long count, string path);

    [LoggerMessage(EventId = 355, EventName = "PredictionLogFilePruned", Level = LogLevel.Information,
        Message = "Deleted the oldest prediction log file {Path} (retention).")]
    public static partial void PredictionLogFilePruned(ILogger logger, string path);

    [LoggerMessage(EventId = 356, EventName = "PredictionLogPruneFailed", Level = LogLevel.Warning,
        Message = "Could not delete the old prediction log file {Path}.")]
    public static partial void PredictionLogPruneFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 357, EventName = "PredictionLogLookupFailed", Level = LogLevel.Warning,
        Message = "Looking up prediction {PredictionId} in the prediction log failed; the feedback is answered as unknown.")]
    public static partial void PredictionLogLookupFailed(ILogger logger, Exception exception, PredictionId predictionId);

    [LoggerMessage(EventId = 358, EventName = "QualitySweepFailed", Level = LogLevel.Error,
        Message = "Closing due quality windows failed; the sweep continues.")]
    public static partial void QualitySweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 359, EventName = "FleetJoinFailed", Level = LogLevel.Error,
        Message = "Joining the fleet's queued feedback failed ({Pending} closed windows wait to be published and are retried); the loop continues.")]
    public static partial void FleetJoinFailed(ILogger logger, Exception exception, int pending);

    [LoggerMessage(EventId = 360, EventName = "FleetTermEnded", Level = LogLevel.Information,
        Message = "Quality leadership term {Term} ended: {Windows} open or unpublished windows dropped; their queued pairs stay queued for the next leader.")]
    public static partial void FleetTermEnded(ILogger logger, Guid term, int windows);

    [LoggerMessage(EventId = 361, EventName = "FeedbackLogWriteFailed", Level = LogLevel.Warning,
        Message = "Storing the feedback for prediction {PredictionId} in the feedback log failed; it was joined, but a batch job over the log will not see it.")]
    public static partial void FeedbackLogWriteFailed(ILogger logger, Exception exception, PredictionId predictionId);

    [LoggerMessage(EventId = 362, EventName = "FleetTermStarted", Level = LogLevel.Information,
        Message = "Quality leadership term {Term} started: joining the fleet's queued feedback, first taking over the pairs of earlier terms.")]
    public static partial void FleetTermStarted(ILogger logger, Guid term);

    [LoggerMessage(EventId = 363, EventName = "FleetWindowDropped", Level = LogLevel.Warning,
        Message = "A quality window of model '{ModelName}' version {Version} ({Variant}) was not published: another leader took some of its {Count} queued pairs, which are joined again.")]
    public static partial void FleetWindowDropped(ILogger logger, string modelName, ModelVersion version, string variant, int count);

    [LoggerMessage(EventId = 364, EventName = "FleetReleaseFailed", Level = LogLevel.Warning,
        Message = "Releasing the queued pairs of quality leadership term {Term} failed; the next leader's sweep takes them over.")]
    public static partial void FleetReleaseFailed(ILogger logger, Exception exception, Guid term);

    [LoggerMessage(EventId = 365, EventName = "FleetWindowsRefreshFailed", Level = LogLevel.Warning,
        Message = "Reading the fleet's published quality windows failed; the last ones read are served until the store answers again.")]
    public static partial void FleetWindowsRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 366, EventName = "FleetFeedbackCompleted", Level = LogLevel.Information,
        Message = "Feedback for prediction {PredictionId} was on record but its pair was never queued (an earlier attempt stopped halfway); this repeat queued it, with the feedback that won.")]
    public static partial void FleetFeedbackCompleted(ILogger logger, PredictionId predictionId);
}
