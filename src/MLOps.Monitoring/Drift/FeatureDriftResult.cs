using MLOps.Monitoring.Profiles;

namespace MLOps.Monitoring.Drift;

/// <summary>The comparison of one feature in a <see cref="DriftReport"/>.</summary>
public sealed record FeatureDriftResult
{
    /// <summary>Gets the feature name.</summary>
    public required string Feature { get; init; }

    /// <summary>Gets the feature kind.</summary>
    public required FeatureKind Kind { get; init; }

    /// <summary>Gets the method used (never <see cref="DriftMethod.Auto"/>).</summary>
    public required DriftMethod Method { get; init; }

    /// <summary>Gets whether the feature could be compared (both sides had values); a feature that was not is never drifted and does not count in the drift share.</summary>
    public required bool Evaluated { get; init; }

    /// <summary>Gets the test statistic (KS D, chi-square, z) or the distance (Wasserstein normed, Jensen-Shannon, PSI, Hellinger); NaN when not evaluated.</summary>
    public required double Statistic { get; init; }

    /// <summary>Gets the p-value of a test method (before correction), or <see langword="null"/> for a distance method.</summary>
    public double? PValue { get; init; }

    /// <summary>Gets the p-value after the report's <see cref="DriftReport.Correction"/>, or <see langword="null"/> for a distance method.</summary>
    public double? AdjustedPValue { get; init; }

    /// <summary>Gets the value compared with <see cref="Threshold"/>: the adjusted p-value of a test (drift when below) or the distance (drift when at or above).</summary>
    public required double Score { get; init; }

    /// <summary>Gets the threshold.</summary>
    public required double Threshold { get; init; }

    /// <summary>Gets whether the feature drifted.</summary>
    public required bool Drifted { get; init; }

    /// <summary>Gets the number of reference values compared (rows with a usable value).</summary>
    public long ReferenceCount { get; init; }

    /// <summary>Gets the number of current values compared.</summary>
    public long CurrentCount { get; init; }

    /// <summary>
    /// Gets the reference and current shares the method compared (histogram bins for numbers, categories or distinct
    /// values otherwise), bounded in size, for charts; <see langword="null"/> in reports written before it existed.
    /// </summary>
    public FeatureDistribution? Distribution { get; init; }
}
