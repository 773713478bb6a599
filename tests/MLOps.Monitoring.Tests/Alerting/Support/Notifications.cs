using MLOps.Monitoring.Alerting;

namespace MLOps.Monitoring.Tests.Alerting.Support;

internal static class Notifications
{
    public static readonly AlertRule QualityRule = new()
    {
        Name = "quality-below-r2-0.8",
        Kind = AlertRuleKind.QualityBelow,
        Severity = AlertSeverity.Critical,
        MetricName = "r2",
        Threshold = 0.8,
    };

    public static AlertNotification Firing(AlertStatus status = AlertStatus.Firing) => new()
    {
        Alert = new Alert
        {
            Rule = QualityRule,
            Labels = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["mlops.deployment.variant"] = "primary",
                ["mlops.metric.name"] = "r2",
                ["mlops.model.name"] = "taxi",
                ["mlops.model.version"] = "3",
            },
            Fingerprint = "0123456789abcdef",
            Status = status,
            Value = 0.75,
            Summary = "model 'taxi' (variant primary): r2 = 0.75, below 0.8 <&>.",
            ActiveSince = AlertingHarness.Start,
            FiringSince = AlertingHarness.Start.AddMinutes(5),
            ResolvedAt = status == AlertStatus.Resolved ? AlertingHarness.Start.AddMinutes(30) : null,
            LastNotifiedAt = AlertingHarness.Start.AddMinutes(5),
        },
        Timestamp = AlertingHarness.Start.AddMinutes(status == AlertStatus.Resolved ? 30 : 5),
        ServiceName = "taxi-api",
    };
}
