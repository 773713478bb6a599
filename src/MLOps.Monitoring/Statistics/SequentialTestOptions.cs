namespace MLOps.Monitoring.Statistics;

/// <summary>The settings of <see cref="MixtureSequentialTest"/>, the always-valid sequential test of two arms.</summary>
public sealed record SequentialTestOptions
{
    /// <summary>The default significance level (0.05).</summary>
    public const double DefaultAlpha = 0.05;

    /// <summary>The default minimum number of observations per arm before any decision (100).</summary>
    public const long DefaultMinSampleSize = 100;

    /// <summary>
    /// The mixture variance used when <see cref="MixtureVariance"/> is not set, relative to the pooled per-observation
    /// variance σ̂² of the two arms: τ² = 0.01 σ̂², a mixing distribution N(0, (0.1 σ̂)²). That tunes the test to effects of
    /// about a tenth of a standard deviation (see <see cref="MixtureSequentialTest.MixtureVarianceForEffect"/>).
    /// </summary>
    public const double DefaultStandardizedMixtureVariance = 0.01;

    /// <summary>Gets the significance level α: the probability, over the whole experiment however often it is looked at, of a false decision.</summary>
    /// <value>The default value is <see cref="DefaultAlpha"/>. Must be in (0, 1).</value>
    public double Alpha { get; init; } = DefaultAlpha;

    /// <summary>
    /// Gets the number of observations each arm needs before any decision. Looks with fewer observations in an arm do not
    /// move the always-valid p-value or interval (starting the test later keeps it valid).
    /// </summary>
    /// <value>The default value is <see cref="DefaultMinSampleSize"/>. Must be at least 2.</value>
    public long MinSampleSize { get; init; } = DefaultMinSampleSize;

    /// <summary>Gets which way the metric improves, to turn a significant difference into better or worse.</summary>
    /// <value>The default value is <see cref="MetricDirection.HigherIsBetter"/>.</value>
    public MetricDirection Direction { get; init; } = MetricDirection.HigherIsBetter;

    /// <summary>
    /// Gets the variance τ² of the normal mixing distribution N(0, τ²) over the effect, in the metric's squared units, or
    /// <see langword="null"/> to use <see cref="DefaultStandardizedMixtureVariance"/> times the pooled variance of the arms.
    /// Pick it from the smallest effect worth detecting with <see cref="MixtureSequentialTest.MixtureVarianceForEffect"/>.
    /// </summary>
    /// <value>The default value is <see langword="null"/>. When set, must be positive and finite.</value>
    public double? MixtureVariance { get; init; }
}
