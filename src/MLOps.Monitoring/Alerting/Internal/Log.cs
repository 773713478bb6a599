using Microsoft.Extensions.Logging;

namespace MLOps.Monitoring.Alerting.Internal;

/// <summary>Alerting log messages; event ids 400–449.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 400, EventName = "AlertFiring", Message = "Alert {Rule} ({Severity}) firing{Repeat}: {Summary} [{Labels}]")]
    public static partial void AlertFiring(ILogger logger, LogLevel level, string rule, string severity, string repeat, string summary, string labels);

    [LoggerMessage(EventId = 401, EventName = "AlertResolved", Level = LogLevel.Information, Message = "Alert {Rule} ({Severity}) resolved: {Summary} [{Labels}]")]
    public static partial void AlertResolved(ILogger logger, string rule, string severity, string summary, string labels);

    [LoggerMessage(EventId = 402, EventName = "AlertPending", Level = LogLevel.Debug, Message = "Alert {Rule} pending: {Summary} [{Labels}]")]
    public static partial void AlertPending(ILogger logger, string rule, string summary, string labels);

    [LoggerMessage(EventId = 403, EventName = "AlertRuleFailed", Level = LogLevel.Error, Message = "Alert rule {Rule} could not be evaluated; its alerts keep their state.")]
    public static partial void RuleFailed(ILogger logger, Exception exception, string rule);

    [LoggerMessage(EventId = 404, EventName = "AlertEvaluationFailed", Level = LogLevel.Error, Message = "Alert evaluation failed; the next one runs as scheduled.")]
    public static partial void EvaluationFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 408, EventName = "AlertObservableInstrumentFailed", Level = LogLevel.Error, Message = "An observable instrument threw while alert rules read it; gauges it did not report keep their previous value.")]
    public static partial void ObservableInstrumentFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 405, EventName = "AlertNotifierFailed", Level = LogLevel.Error, Message = "Notifier {Notifier} could not deliver the {Status} notification of alert {Rule}.")]
    public static partial void NotifierFailed(ILogger logger, Exception exception, string notifier, string status, string rule);

    [LoggerMessage(EventId = 406, EventName = "AlertNotificationRetry", Level = LogLevel.Warning, Message = "Notifier {Notifier}: attempt {Attempt} of {MaxAttempts} failed ({Reason}); retrying in {Delay}.")]
    public static partial void NotificationRetry(ILogger logger, string notifier, int attempt, int maxAttempts, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 407, EventName = "AlertNotificationDropped", Level = LogLevel.Warning, Message = "The alert notification queue of {Notifier} is full; dropped its oldest notification ({Status}, alert {Rule}).")]
    public static partial void NotificationDropped(ILogger logger, string notifier, string status, string rule);
}
