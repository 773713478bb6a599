namespace MLOps.Monitoring.Alerting;

/// <summary>How urgent an alert is. Rendered lowercase (<c>info</c>, <c>warning</c>, <c>critical</c>) in tags and payloads.</summary>
public enum AlertSeverity
{
    /// <summary>Worth knowing; no action needed now.</summary>
    Info,

    /// <summary>Needs attention soon.</summary>
    Warning,

    /// <summary>Needs attention now.</summary>
    Critical,
}
