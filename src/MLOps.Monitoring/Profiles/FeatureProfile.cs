using System.Text.Json.Serialization;

namespace MLOps.Monitoring.Profiles;

/// <summary>The reference statistics of one feature, part of a <see cref="ReferenceProfile"/>.</summary>
public sealed class FeatureProfile
{
    [JsonConstructor]
    internal FeatureProfile()
    {
    }

    /// <summary>Gets the feature name (the member name, or the ML.NET <c>[ColumnName]</c> when present).</summary>
    [JsonInclude]
    public string Name { get; internal init; } = "";

    /// <summary>Gets the kind of the feature.</summary>
    [JsonInclude]
    public FeatureKind Kind { get; internal init; }

    /// <summary>Gets how many rows had a usable value (not missing and, for numbers, finite).</summary>
    [JsonInclude]
    public long Count { get; internal init; }

    /// <summary>Gets how many rows had no value: <see langword="null"/> or <see cref="double.NaN"/>.</summary>
    [JsonInclude]
    public long MissingCount { get; internal init; }

    /// <summary>Gets how many rows had an infinite value (numeric features; not part of the statistics, bins or sample).</summary>
    [JsonInclude]
    public long InfinityCount { get; internal init; }

    /// <summary>Gets the smallest finite value (numeric), or <see cref="double.NaN"/> without values.</summary>
    [JsonInclude]
    public double Min { get; internal init; } = double.NaN;

    /// <summary>Gets the largest finite value (numeric), or <see cref="double.NaN"/> without values.</summary>
    [JsonInclude]
    public double Max { get; internal init; } = double.NaN;

    /// <summary>Gets the mean of the finite values (for a boolean feature, the share of <see langword="true"/>).</summary>
    [JsonInclude]
    public double Mean { get; internal init; } = double.NaN;

    /// <summary>Gets the sample standard deviation (n − 1) of the finite values.</summary>
    [JsonInclude]
    public double StandardDeviation { get; internal init; } = double.NaN;

    /// <summary>Gets the quantile bin edges of a numeric feature (bin count + 1 values; the outer ones are infinite), empty otherwise.</summary>
    [JsonInclude]
    public IReadOnlyList<double> BinEdges { get; internal init; } = [];

    /// <summary>Gets the number of reference values in each bin of <see cref="BinEdges"/>.</summary>
    [JsonInclude]
    public IReadOnlyList<long> BinCounts { get; internal init; } = [];

    /// <summary>
    /// Gets the distinct values of a numeric feature, ascending, when it has at most
    /// <see cref="ReferenceProfile.MaxDistinctValues"/> of them; <see langword="null"/> otherwise (or when not numeric).
    /// </summary>
    [JsonInclude]
    public IReadOnlyList<double>? DistinctValues { get; internal init; }

    /// <summary>Gets the count of each of <see cref="DistinctValues"/>.</summary>
    [JsonInclude]
    public IReadOnlyList<long>? DistinctCounts { get; internal init; }

    /// <summary>Gets the count of each category kept (categorical and boolean features), at most <see cref="ReferenceProfile.MaxCategories"/> of them.</summary>
    [JsonInclude]
    public IReadOnlyDictionary<string, long> Categories { get; internal init; } = new Dictionary<string, long>();

    /// <summary>Gets the count of the values whose category was not kept (beyond <see cref="ReferenceProfile.MaxCategories"/>).</summary>
    [JsonInclude]
    public long OtherCount { get; internal init; }

    /// <summary>Gets a uniform random sample of the finite values of a numeric feature (at most <see cref="ReferenceProfile.SampleSize"/>).</summary>
    [JsonInclude]
    public IReadOnlyList<double> Sample { get; internal init; } = [];

    /// <summary>Gets the number of distinct values when known (at most <see cref="ReferenceProfile.MaxDistinctValues"/> for numbers, the kept categories otherwise).</summary>
    [JsonIgnore]
    public int? DistinctCount => Kind == FeatureKind.Numeric
        ? DistinctValues?.Count
        : OtherCount == 0 ? Categories.Count : null;
}
