namespace MLOps;

/// <summary>
/// The feature importances of two versions side by side: per feature its importance, rank and the change between them,
/// ordered by the candidate's rank (then the features only the baseline has, by their rank there).
/// </summary>
public sealed record FeatureImportanceComparison
{
    /// <summary>Gets the metric the importances measure, or <see langword="null"/> when both lists are empty.</summary>
    public string? Metric { get; init; }

    /// <summary>Gets whether both versions measured the same metric (deltas are only meaningful when they did).</summary>
    public bool SameMetric { get; init; }

    /// <summary>Gets one entry per feature of either version.</summary>
    public IReadOnlyList<FeatureImportanceChange> Features { get; init; } = [];

    /// <summary>Compares the importances of a baseline version with a candidate's.</summary>
    /// <param name="baseline">The baseline's importances (for example the champion's, <see cref="RegisteredModelVersion.FeatureImportance"/>).</param>
    /// <param name="candidate">The candidate's importances.</param>
    /// <returns>The comparison.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="baseline"/> or <paramref name="candidate"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A list names a feature twice.</exception>
    public static FeatureImportanceComparison Compare(IReadOnlyList<FeatureImportance> baseline, IReadOnlyList<FeatureImportance> candidate)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        Dictionary<string, (FeatureImportance Item, int Rank)> before = Ranked(baseline, nameof(baseline));
        Dictionary<string, (FeatureImportance Item, int Rank)> after = Ranked(candidate, nameof(candidate));
        var changes = new List<FeatureImportanceChange>(after.Count + before.Count);
        foreach ((string feature, (FeatureImportance item, int rank)) in after.OrderBy(p => p.Value.Rank))
        {
            (FeatureImportance Item, int Rank)? old = before.TryGetValue(feature, out var found) ? found : null;
            changes.Add(new FeatureImportanceChange(feature, old?.Item, item, old?.Rank, rank));
        }

        foreach ((string feature, (FeatureImportance item, int rank)) in before.Where(p => !after.ContainsKey(p.Key)).OrderBy(p => p.Value.Rank))
        {
            changes.Add(new FeatureImportanceChange(feature, item, null, rank, null));
        }

        string? baselineMetric = baseline.Count == 0 ? null : baseline[0].Metric;
        string? candidateMetric = candidate.Count == 0 ? null : candidate[0].Metric;
        return new FeatureImportanceComparison
        {
            Metric = candidateMetric ?? baselineMetric,
            SameMetric = baselineMetric is null || candidateMetric is null || string.Equals(baselineMetric, candidateMetric, StringComparison.Ordinal),
            Features = changes,
        };
    }

    /// <summary>Ranks by mean importance, highest first (ties by feature name, ordinal).</summary>
    private static Dictionary<string, (FeatureImportance Item, int Rank)> Ranked(IReadOnlyList<FeatureImportance> items, string paramName)
    {
        if (items.Any(i => i is null))
        {
            throw new ArgumentException("The importances must not contain null.", paramName);
        }

        var ranked = new Dictionary<string, (FeatureImportance, int)>(items.Count, StringComparer.Ordinal);
        int rank = 0;
        foreach (FeatureImportance item in items.OrderByDescending(i => i.Mean).ThenBy(i => i.Feature, StringComparer.Ordinal))
        {
            if (!ranked.TryAdd(item.Feature, (item, ++rank)))
            {
                throw new ArgumentException($"The feature '{item.Feature}' appears twice.", paramName);
            }
        }

        return ranked;
    }
}
