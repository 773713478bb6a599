using Microsoft.Extensions.Logging;

namespace MLOps.Monitoring.Alerting.Internal;

/// <summary>The always-on notifier: logs firing alerts at a level matching their severity (Error, Warning, Information) and resolutions at Information.</summary>
internal sealed class LogAlertNotifier(ILogger<LogAlertNotifier> logger) : IAlertNotifier
{
    public const string NotifierName = "log";

    public string Name => NotifierName;

    public Task NotifyAsync(AlertNotification notification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        Alert alert = notification.Alert;
        string labels = string.Join(", ", alert.Labels.Select(l => l.Key + "=" + l.Value));
        string severity = AlertingMetrics.SeverityName(alert.Rule.Severity);
        if (alert.Status == AlertStatus.Resolved)
        {
            Log.AlertResolved(logger, alert.Rule.Name, severity, alert.Summary, labels);
        }
        else
        {
            LogLevel level = alert.Rule.Severity switch
            {
                AlertSeverity.Critical => LogLevel.Error,
                AlertSeverity.Warning => LogLevel.Warning,
                _ => LogLevel.Information,
            };
            Log.AlertFiring(logger, level, alert.Rule.Name, severity, notification.IsRepeat ? " (still)" : "", alert.Summary, labels);
        }

        return Task.CompletedTask;
    }
}
