namespace MLOps.Monitoring.Rollouts;

/// <summary>
/// Options of the hosted rollout analysis. The thresholds of each rollout are its own (<see cref="Rollout.Analysis"/>);
/// these say how the loop runs.
/// </summary>
public sealed class RolloutAnalysisOptions
{
    /// <summary>The default <see cref="PollInterval"/>: 5 seconds.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(5);

    /// <summary>The default <see cref="MinLabelledPredictions"/>.</summary>
    public const int DefaultMinLabelledPredictions = 30;

    /// <summary>The default <see cref="SampleRatioMismatchPValue"/>.</summary>
    public const double DefaultSampleRatioMismatchPValue = 0.001;

    /// <summary>
    /// Gets or sets how often the loop looks for active rollouts of the served models; each rollout is analysed when its
    /// own <see cref="RolloutAnalysis.Interval"/> has passed. Between 100 ms and 1 hour.
    /// </summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan PollInterval { get; set; } = DefaultPollInterval;

    /// <summary>
    /// Gets or sets how many predictions joined with ground truth each arm needs before the quality check of a rollout
    /// with a <see cref="RolloutAnalysis.QualityMetric"/> runs; until then the rollout is held. At least 1.
    /// </summary>
    /// <value>The default value is 30.</value>
    public int MinLabelledPredictions { get; set; } = DefaultMinLabelledPredictions;

    /// <summary>
    /// Gets or sets the p-value of the sample-ratio-mismatch test of an experiment below which the mismatch is logged,
    /// and alerted on by <c>OnSampleRatioMismatch</c>. In (0, 0.5).
    /// </summary>
    /// <value>The default value is 0.001.</value>
    public double SampleRatioMismatchPValue { get; set; } = DefaultSampleRatioMismatchPValue;
}
