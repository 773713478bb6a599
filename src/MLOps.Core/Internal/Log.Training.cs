using Microsoft.Extensions.Logging;

namespace MLOps.Internal;

/// <summary>Events of the shared training pipeline (<see cref="TrainingPipeline"/>, category <c>MLOps.Training</c>); the ids 520–527 are the training range.</summary>
internal static partial class Log
{
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

    [LoggerMessage(EventId = 525, EventName = "TrainingRunNotFinalized", Level = LogLevel.Error,
        Message = "Could not record run {RunId} as {Status}; it may still show as Running.")]
    public static partial void TrainingRunNotFinalized(ILogger logger, Exception exception, string runId, RunStatus status);

    [LoggerMessage(EventId = 527, EventName = "TrainingFeatureImportanceFailed", Level = LogLevel.Warning,
        Message = "Permutation feature importance of run {RunId} could not be computed; the version is registered without it.")]
    public static partial void TrainingFeatureImportanceFailed(ILogger logger, Exception exception, string runId);
}
