namespace MLOps.Monitoring.Rollouts;

/// <summary>The figures of one arm of a rollout over the current analysis window (since the rollout, its step or its restart began).</summary>
public sealed record RolloutArmStatus
{
    /// <summary>Gets the version the arm serves.</summary>
    public required ModelVersion Version { get; init; }

    /// <summary>Gets the variant the arm reports: <c>primary</c>, <c>candidate</c> or, for a shadow rollout, <c>shadow</c>.</summary>
    public required string Variant { get; init; }

    /// <summary>Gets the number of predictions the arm made (from <c>mlops.prediction.duration</c>).</summary>
    public long Requests { get; init; }

    /// <summary>Gets the number of those predictions that failed.</summary>
    public long Errors { get; init; }

    /// <summary>Gets the share of failed predictions, or 0 before the first one.</summary>
    public double ErrorRate => Requests == 0 ? 0 : (double)Errors / Requests;

    /// <summary>Gets the median prediction latency (within 10%), or <see langword="null"/> before the first prediction.</summary>
    public TimeSpan? LatencyP50 { get; init; }

    /// <summary>Gets the 95th percentile of the prediction latency (within 10%).</summary>
    public TimeSpan? LatencyP95 { get; init; }

    /// <summary>Gets the 99th percentile of the prediction latency (within 10%).</summary>
    public TimeSpan? LatencyP99 { get; init; }

    /// <summary>Gets the number of the arm's predictions joined with ground truth.</summary>
    public long Labelled { get; init; }

    /// <summary>
    /// Gets the mean of the per-prediction measure over the labelled predictions: the mean absolute error of a regression,
    /// the accuracy of a classifier; <see langword="null"/> before the first one.
    /// </summary>
    public double? MeanMeasure { get; init; }

    /// <summary>Gets the rollout's quality metric (<see cref="RolloutAnalysis.QualityMetric"/>) for this arm, when known.</summary>
    public double? Quality { get; init; }

    /// <summary>Gets whether a drift report of this version found dataset drift during the window.</summary>
    public bool Drift { get; init; }

    /// <summary>Gets, for a shadow arm of a classifier, the share of its predictions whose label agrees with the served one.</summary>
    public double? Agreement { get; init; }

    /// <summary>Gets, for a shadow arm of a regression, the mean absolute difference between its predictions and the served ones.</summary>
    public double? MeanAbsoluteDifference { get; init; }
}
