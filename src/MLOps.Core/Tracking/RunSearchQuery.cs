namespace MLOps;

/// <summary>Filters and order for <see cref="IExperimentTracker.SearchRunsAsync"/>; every filter that is set must match.</summary>
public sealed record RunSearchQuery
{
    /// <summary>The default <see cref="MaxResults"/>: 1000.</summary>
    public const int DefaultMaxResults = 1000;

    /// <summary>Gets the experiment the runs belong to, or <see langword="null"/> for every experiment.</summary>
    public string? ExperimentName { get; init; }

    /// <summary>Gets the state the runs are in, or <see langword="null"/> for any.</summary>
    public RunStatus? Status { get; init; }

    /// <summary>Gets tags the runs must have, each with exactly this value, or <see langword="null"/>.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>Gets a time the runs must have started after (exclusive), or <see langword="null"/>.</summary>
    public DateTimeOffset? StartedAfter { get; init; }

    /// <summary>
    /// Gets the metric to order by (its latest value), or <see langword="null"/> to order by start time, newest first.
    /// Runs without the metric come last.
    /// </summary>
    public string? OrderByMetric { get; init; }

    /// <summary>Gets whether <see cref="OrderByMetric"/> orders lowest first (for losses and errors) instead of highest first.</summary>
    /// <value>The default value is <see langword="false"/> (highest first).</value>
    public bool Ascending { get; init; }

    /// <summary>Gets the maximum number of runs returned (1 to 100 000).</summary>
    /// <value>The default value is 1000.</value>
    public int MaxResults { get; init; } = DefaultMaxResults;
}
