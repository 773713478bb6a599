using System.Diagnostics.Metrics;

namespace MLOps.Monitoring.Alerting.Internal;

/// <summary>The alerting instruments on the <c>MLOps</c> meter.</summary>
internal sealed class AlertingMetrics
{
    public const string Success = "success";
    public const string Failure = "failure";
    public const string Dropped = "dropped";

    private readonly Counter<long> _notifications;

    public AlertingMetrics(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(MLOpsTelemetry.Name);
        _notifications = Meter.CreateCounter<long>(
            AlertingTelemetry.NotificationsInstrument, unit: "{notification}", description: "Alert notifications handed to notifiers, by notifier and outcome.");
    }

    public Meter Meter { get; }

    public void AddAlertsGauge(Func<IEnumerable<Measurement<int>>> observe) =>
        Meter.CreateObservableGauge(AlertingTelemetry.AlertsInstrument, observe, unit: "{alert}", description: "Firing alerts, by rule and severity.");

    public void Notified(string notifier, string outcome) =>
        _notifications.Add(1, new KeyValuePair<string, object?>(AlertingTelemetry.NotifierTag, notifier), new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.Outcome, outcome));

    public static string SeverityName(AlertSeverity severity) => severity switch
    {
        AlertSeverity.Info => "info",
        AlertSeverity.Warning => "warning",
        AlertSeverity.Critical => "critical",
        _ => severity.ToString().ToLowerInvariant(),
    };

    public static string StatusName(AlertStatus status) => status switch
    {
        AlertStatus.Pending => "pending",
        AlertStatus.Firing => "firing",
        AlertStatus.Resolved => "resolved",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static string KindName(AlertRuleKind kind) => kind switch
    {
        AlertRuleKind.DriftDetected => "drift_detected",
        AlertRuleKind.QualityBelow => "quality_below",
        AlertRuleKind.QualityAbove => "quality_above",
        AlertRuleKind.ErrorRateAbove => "error_rate_above",
        AlertRuleKind.LatencyP95Above => "latency_p95_above",
        AlertRuleKind.RetrainFailed => "retrain_failed",
        AlertRuleKind.ModelLoadFailed => "model_load_failed",
        AlertRuleKind.RolloutRolledBack => "rollout_rolled_back",
        AlertRuleKind.SampleRatioMismatch => "sample_ratio_mismatch",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
