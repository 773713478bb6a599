namespace MLOps.Monitoring.Alerting;

/// <summary>Reads the current alert states; registered by <c>AddAlerting</c>.</summary>
public interface IAlertManager
{
    /// <summary>Gets the rules being evaluated.</summary>
    IReadOnlyList<AlertRule> Rules { get; }

    /// <summary>Gets when the rules were last evaluated, or <see langword="null"/> before the first evaluation.</summary>
    DateTimeOffset? LastEvaluatedAt { get; }

    /// <summary>Gets the pending and firing alerts, most severe first.</summary>
    /// <returns>A snapshot of the alerts.</returns>
    IReadOnlyList<Alert> GetAlerts();
}
