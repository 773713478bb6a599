using Microsoft.Extensions.Logging;

namespace MLOps.Monitoring.Drift.Internal;

/// <summary>Log messages of drift monitoring (EventIds 300–349).</summary>
internal static partial class DriftLog
{
    [LoggerMessage(EventId = 300, EventName = "DriftDetected", Level = LogLevel.Warning,
        Message = "Drift in model '{ModelName}': {Drifted} of {Evaluated} features drifted ({Features}); dataset drift: {DatasetDrift}.")]
    public static partial void DriftDetected(ILogger logger, string modelName, int drifted, int evaluated, string features, bool datasetDrift);

    [LoggerMessage(EventId = 301, EventName = "DriftWindowEvaluated", Level = LogLevel.Debug,
        Message = "Model '{ModelName}': window of {Rows} predictions evaluated, {Drifted} of {Evaluated} features drifted.")]
    public static partial void WindowEvaluated(ILogger logger, string modelName, long rows, int drifted, int evaluated);

    [LoggerMessage(EventId = 302, EventName = "DriftEvaluationFailed", Level = LogLevel.Error,
        Message = "Model '{ModelName}': the drift evaluation of a window failed.")]
    public static partial void EvaluationFailed(ILogger logger, Exception exception, string modelName);

    [LoggerMessage(EventId = 303, EventName = "DriftReferenceUnavailable", Level = LogLevel.Warning,
        Message = "Model '{ModelName}' version {Version}: no reference profile is available; drift is not monitored until one is.")]
    public static partial void ReferenceUnavailable(ILogger logger, string modelName, int version);

    [LoggerMessage(EventId = 304, EventName = "DriftReferenceLoadFailed", Level = LogLevel.Error,
        Message = "Model '{ModelName}': the reference profile could not be loaded; retrying later.")]
    public static partial void ReferenceLoadFailed(ILogger logger, Exception exception, string modelName);

    [LoggerMessage(EventId = 305, EventName = "DriftWindowDropped", Level = LogLevel.Warning,
        Message = "Model '{ModelName}': a drift window was dropped because {Backlog} windows are waiting for evaluation.")]
    public static partial void WindowDropped(ILogger logger, string modelName, int backlog);

    [LoggerMessage(EventId = 306, EventName = "DriftHandlerFailed", Level = LogLevel.Warning,
        Message = "Model '{ModelName}': a drift report subscriber threw; the other subscribers still ran.")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string modelName);

    [LoggerMessage(EventId = 307, EventName = "DriftSchemaMismatch", Level = LogLevel.Warning,
        Message = "Model '{ModelName}': the input type does not match the reference profile. Missing: [{Missing}]; unexpected: [{Unexpected}]; incompatible: [{Mismatched}].")]
    public static partial void SchemaMismatch(ILogger logger, string modelName, string missing, string unexpected, string mismatched);

    [LoggerMessage(EventId = 308, EventName = "DriftReferenceLoaded", Level = LogLevel.Information,
        Message = "Model '{ModelName}': drift monitoring started with a reference profile of {Rows} rows and {Features} features (version {Version}).")]
    public static partial void ReferenceLoaded(ILogger logger, string modelName, long rows, int features, int version);

    [LoggerMessage(EventId = 309, EventName = "FleetDriftPublishFailed", Level = LogLevel.Warning,
        Message = "Model '{ModelName}': publishing a closed drift window to the fleet store failed; retrying.")]
    public static partial void FleetPublishFailed(ILogger logger, Exception exception, string modelName);

    [LoggerMessage(EventId = 310, EventName = "FleetDriftBucketEvaluated", Level = LogLevel.Information,
        Message = "Model '{ModelName}' version {Version}: fleet bucket {BucketStart:O} merged from {Windows} windows of {Replicas} replicas ({Rows} predictions), {Drifted} of {Evaluated} features drifted.")]
    public static partial void FleetBucketEvaluated(ILogger logger, string modelName, int version, DateTimeOffset bucketStart, int windows, int replicas, long rows, int drifted, int evaluated);

    [LoggerMessage(EventId = 311, EventName = "FleetDriftBucketSkipped", Level = LogLevel.Warning,
        Message = "Model '{ModelName}' version {Version}: fleet bucket {BucketStart:O} is not evaluated yet: {Reason}")]
    public static partial void FleetBucketSkipped(ILogger logger, string modelName, int version, DateTimeOffset bucketStart, string reason);

    [LoggerMessage(EventId = 312, EventName = "FleetDriftWindowRejected", Level = LogLevel.Warning,
        Message = "Model '{ModelName}': a window of replica '{Replica}' in fleet bucket {BucketStart:O} is left out of the merge.")]
    public static partial void FleetWindowRejected(ILogger logger, Exception exception, string modelName, string? replica, DateTimeOffset bucketStart);

    [LoggerMessage(EventId = 313, EventName = "FleetDriftPassFailed", Level = LogLevel.Error,
        Message = "A pass of the fleet drift loop failed; the next pass retries.")]
    public static partial void FleetPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 314, EventName = "FleetDriftWindowsAbandoned", Level = LogLevel.Warning,
        Message = "The host stopped with {Count} closed drift windows not yet published to the fleet store (counted as abandoned in mlops.drift.fleet.windows).")]
    public static partial void FleetWindowsAbandoned(ILogger logger, int count);
}
