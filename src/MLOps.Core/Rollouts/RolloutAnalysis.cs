namespace MLOps;

/// <summary>
/// How a rollout's analysis judges the candidate at every interval. Stored with the rollout, so every replica and the
/// operator see the same settings. A <see langword="null"/> threshold is not checked.
/// </summary>
public sealed record RolloutAnalysis
{
    /// <summary>Gets how often the analysis evaluates the arms.</summary>
    /// <value>The default is one minute.</value>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets how many failed checks in a row roll the candidate back (Flagger's <c>threshold</c>).</summary>
    /// <value>The default is 3.</value>
    public int FailureThreshold { get; init; } = 3;

    /// <summary>Gets the requests (and, for a quality or experiment metric, the labelled predictions) each arm needs before any decision.</summary>
    /// <value>The default is 100.</value>
    public long MinSampleSize { get; init; } = 100;

    /// <summary>Gets the highest error rate the candidate may have; above it the candidate is rolled back at once.</summary>
    /// <value>The default is 0.05.</value>
    public double? MaxErrorRate { get; init; } = 0.05;

    /// <summary>Gets the highest ratio of the candidate's p95 latency to the primary's (p95 rather than p99: steadier over one interval's sample).</summary>
    /// <value>The default is 1.5.</value>
    public double? MaxLatencyRatio { get; init; } = 1.5;

    /// <summary>Gets the highest p95 latency the candidate may have, or <see langword="null"/>.</summary>
    public TimeSpan? MaxLatency { get; init; }

    /// <summary>
    /// Gets the quality metric compared between the arms from delayed ground truth (a <c>QualityMetricNames</c> value such
    /// as <c>mae</c> or <c>accuracy</c>), or <see langword="null"/> to compare no quality.
    /// </summary>
    public string? QualityMetric { get; init; }

    /// <summary>
    /// Gets how much worse than the primary the candidate's <see cref="QualityMetric"/> may be, relative to the primary's
    /// value (0.05 = 5 % worse).
    /// </summary>
    /// <value>The default is 0.05.</value>
    public double MaxQualityDegradation { get; init; } = 0.05;

    /// <summary>
    /// Gets whether a dataset drift of the live traffic during the rollout fails a check. Both arms share that traffic; the
    /// model's drift monitoring (whose windows follow the primary arm) judges it.
    /// </summary>
    public bool FailOnDrift { get; init; }

    /// <summary>Gets the significance level of the experiment's always-valid sequential test.</summary>
    /// <value>The default is 0.05.</value>
    public double Alpha { get; init; } = 0.05;

    /// <summary>Gets whether the last step waits for an operator's approval.</summary>
    public bool RequireApproval { get; init; }

    /// <summary>
    /// Gets whether a <see cref="RolloutStrategy.Shadow"/> rollout ends by the experiment's always-valid sequential test on
    /// live labels: a shadow whose per-prediction quality measure is significantly better than the primary's is promoted,
    /// one significantly worse is rolled back. <see langword="false"/> (the default) holds a shadow that passes every check
    /// until an operator promotes it.
    /// </summary>
    public bool PromoteShadowWhenBetter { get; init; }
}
