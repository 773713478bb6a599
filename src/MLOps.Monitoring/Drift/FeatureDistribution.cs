namespace MLOps.Monitoring.Drift;

/// <summary>
/// The reference and current shares of one feature in a <see cref="DriftReport"/>, for charts: per histogram bin for
/// numbers (<see cref="Edges"/>), per category or distinct value otherwise (<see cref="Labels"/>). Its size is bounded
/// whatever the row count: at most <see cref="MaxBins"/> bins and <see cref="MaxCategories"/> labels plus one "other" entry.
/// </summary>
/// <remarks>
/// Built from the counts the drift method compared (the quantile bins of the reference profile, its categories or its
/// distinct values), not from a second pass over the data. Bins whose two edges are equal (ties in the reference) are
/// always empty and are left out; beyond <see cref="MaxBins"/> bins, neighbouring bins are merged.
/// </remarks>
public sealed record FeatureDistribution
{
    /// <summary>The most histogram bins a distribution has: 50.</summary>
    public const int MaxBins = 50;

    /// <summary>The most categories or distinct values a distribution lists before gathering the rest in <see cref="OtherLabel"/>: 20.</summary>
    public const int MaxCategories = 20;

    /// <summary>The label of the entry that gathers the categories beyond <see cref="MaxCategories"/> and the values the reference did not record: <c>(other)</c>.</summary>
    public const string OtherLabel = "(other)";

    /// <summary>
    /// Gets the bin edges of a numeric histogram, ascending, one more than the shares (bin <c>i</c> holds values in
    /// [<c>Edges[i]</c>, <c>Edges[i + 1]</c>), the last bin closed); the outer edges are infinite. Empty for categories.
    /// </summary>
    public IReadOnlyList<double> Edges { get; init; } = [];

    /// <summary>Gets the category labels (or distinct values, written invariant-culture) the shares belong to; empty for a histogram.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Gets whether the last of <see cref="Labels"/> is the <see cref="OtherLabel"/> entry (not a category of that name).</summary>
    public bool HasOther { get; init; }

    /// <summary>Gets the reference share of each bin or label (they sum to 1, or are all 0 without reference values).</summary>
    public required IReadOnlyList<double> Reference { get; init; }

    /// <summary>Gets the current share of each bin or label (they sum to 1, or are all 0 without current values).</summary>
    public required IReadOnlyList<double> Current { get; init; }
}
