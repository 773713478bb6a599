namespace MLOps.Monitoring.Drift;

/// <summary>The data-quality figures of one feature in the current data, against its reference.</summary>
public sealed record FeatureDataQuality
{
    /// <summary>Gets the feature name.</summary>
    public required string Feature { get; init; }

    /// <summary>Gets the number of current rows.</summary>
    public required long RowCount { get; init; }

    /// <summary>Gets how many current values were missing (<see langword="null"/> or NaN).</summary>
    public required long MissingCount { get; init; }

    /// <summary>Gets the share of missing values among the current rows (0 without rows).</summary>
    public double MissingRatio => RowCount == 0 ? 0 : (double)MissingCount / RowCount;

    /// <summary>Gets the share of missing values in the reference.</summary>
    public required double ReferenceMissingRatio { get; init; }

    /// <summary>Gets how many current values were infinite (numeric features).</summary>
    public long InfinityCount { get; init; }

    /// <summary>Gets how many finite current values were below the reference minimum or above the reference maximum (numeric features).</summary>
    public long OutOfRangeCount { get; init; }

    /// <summary>Gets the share of out-of-range values among the current non-missing values.</summary>
    public double OutOfRangeRatio { get; init; }

    /// <summary>
    /// Gets how many current values were categories the reference did not record (categorical features). When the
    /// reference had more than <see cref="Profiles.ReferenceProfile.MaxCategories"/> categories, the rare ones it did not
    /// keep also count as unseen.
    /// </summary>
    public long UnseenCategoryCount { get; init; }

    /// <summary>Gets the share of unseen categories among the current non-missing values.</summary>
    public double UnseenCategoryRatio { get; init; }
}
