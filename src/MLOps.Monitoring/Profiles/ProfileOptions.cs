namespace MLOps.Monitoring.Profiles;

/// <summary>Options of <see cref="ReferenceProfile"/> creation.</summary>
public sealed class ProfileOptions
{
    /// <summary>The default <see cref="BinCount"/>: 10.</summary>
    public const int DefaultBinCount = 10;

    /// <summary>The default <see cref="MaxCategories"/>: 100.</summary>
    public const int DefaultMaxCategories = 100;

    /// <summary>The default <see cref="SampleSize"/>: 5,000.</summary>
    public const int DefaultSampleSize = 5_000;

    /// <summary>The default <see cref="Seed"/>: 42.</summary>
    public const int DefaultSeed = 42;

    /// <summary>Gets or sets the number of quantile bins of each numeric feature (bin edges are reference quantiles; the outer edges are infinite).</summary>
    /// <value>The default value is 10.</value>
    public int BinCount { get; set; } = DefaultBinCount;

    /// <summary>Gets or sets how many categories of each categorical feature are counted individually; the least frequent rest is counted as "other".</summary>
    /// <value>The default value is 100.</value>
    public int MaxCategories { get; set; } = DefaultMaxCategories;

    /// <summary>Gets or sets the size of the uniform reservoir sample kept per numeric feature for the KS test and the Wasserstein distance.</summary>
    /// <value>The default value is 5,000.</value>
    public int SampleSize { get; set; } = DefaultSampleSize;

    /// <summary>Gets or sets the seed of the reservoir sampling, so the same data gives the same profile.</summary>
    /// <value>The default value is 42.</value>
    public int Seed { get; set; } = DefaultSeed;

    /// <summary>
    /// Gets the names of the features to profile; when empty, every supported member or column is profiled (except those
    /// ignored by attribute or <see cref="Roles"/>).
    /// </summary>
    /// <value>The default value is an empty set.</value>
    public ISet<string> Include { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets the roles by feature name; they override <see cref="DriftFeatureAttribute"/> and the type-based default
    /// (for example <c>Roles["Price"] = FeatureRole.Ignore</c> for the label).
    /// </summary>
    /// <value>The default value is an empty dictionary.</value>
    public IDictionary<string, FeatureRole> Roles { get; } = new Dictionary<string, FeatureRole>(StringComparer.Ordinal);

    internal void Validate()
    {
        if (BinCount is < 2 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(BinCount), BinCount, "BinCount must be between 2 and 1000.");
        }

        if (MaxCategories is < 1 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxCategories), MaxCategories, "MaxCategories must be between 1 and 100000.");
        }

        if (SampleSize is < 10 or > 10_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(SampleSize), SampleSize, "SampleSize must be between 10 and 10000000.");
        }
    }
}
