namespace MLOps.Monitoring.Alerting;

/// <summary>The state of one alert: one rule and one label set (for example one model and variant).</summary>
public sealed record Alert
{
    /// <summary>Gets the rule that raised the alert.</summary>
    public required AlertRule Rule { get; init; }

    /// <summary>Gets the labels that tell this alert from the rule's other alerts (tag keys and values of the series read), sorted by key.</summary>
    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    /// <summary>Gets a stable identifier of the rule and label set (hex SHA-256 prefix), for deduplication by receivers.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Gets the state of the alert.</summary>
    public required AlertStatus Status { get; init; }

    /// <summary>Gets the value last evaluated (quality, error share, p95 seconds, failure count or drift flag).</summary>
    public required double Value { get; init; }

    /// <summary>Gets a one-line human-readable description of the condition.</summary>
    public required string Summary { get; init; }

    /// <summary>Gets when the condition was first found to hold.</summary>
    public required DateTimeOffset ActiveSince { get; init; }

    /// <summary>Gets when the alert started firing, or <see langword="null"/> while pending.</summary>
    public DateTimeOffset? FiringSince { get; init; }

    /// <summary>Gets when the condition was found to no longer hold, or <see langword="null"/> while it holds.</summary>
    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>Gets when notifiers were last told about this alert, or <see langword="null"/> if never.</summary>
    public DateTimeOffset? LastNotifiedAt { get; init; }
}
