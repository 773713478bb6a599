using Microsoft.Extensions.Logging;

namespace MLOps.Monitoring.Batch.Internal;

/// <summary>Log messages of batch monitoring jobs (EventIds 700–719).</summary>
internal static partial class BatchLog
{
    [LoggerMessage(EventId = 700, EventName = "BatchJobCompleted", Level = LogLevel.Information,
        Message = "Batch monitoring of model '{ModelName}' from {From:O} to {To:O}: {Rows} rows ({RowsWithInputs} with inputs, {LabelledRows} labelled), {DriftReports} drift reports, dataset drift: {DatasetDrift}.")]
    public static partial void JobCompleted(ILogger logger, string modelName, DateTimeOffset from, DateTimeOffset to, long rows, long rowsWithInputs, long labelledRows, int driftReports, bool datasetDrift);

    [LoggerMessage(EventId = 701, EventName = "BatchJobFailed", Level = LogLevel.Error,
        Message = "The scheduled batch monitoring job of model '{ModelName}' from {From:O} to {To:O} failed; the schedule continues.")]
    public static partial void JobFailed(ILogger logger, Exception exception, string modelName, DateTimeOffset from, DateTimeOffset to);

    [LoggerMessage(EventId = 702, EventName = "BatchJobSkippedFollower", Level = LogLevel.Debug,
        Message = "The scheduled batch monitoring job of model '{ModelName}' due at {Due:O} was skipped: this replica is not the fleet's leader.")]
    public static partial void JobSkippedFollower(ILogger logger, string modelName, DateTimeOffset due);

    [LoggerMessage(EventId = 703, EventName = "BatchReportHandlerFailed", Level = LogLevel.Warning,
        Message = "A batch monitoring report subscriber threw for model '{ModelName}'; the other subscribers still ran.")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string modelName);
}
