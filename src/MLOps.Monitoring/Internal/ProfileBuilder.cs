using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Statistics;

namespace MLOps.Monitoring.Internal;

/// <summary>Builds <see cref="FeatureProfile"/>s from materialized columns, and merges them.</summary>
internal static class ProfileBuilder
{
    public static ReferenceProfile Build(IReadOnlyList<FeatureColumn> columns, long rowCount, ProfileOptions options)
    {
        var features = new List<FeatureProfile>(columns.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);

        // One scratch column for every numeric feature: profiling M columns allocates one column copy, not M.
        double[] scratch = new double[columns.Where(c => c.Kind == FeatureKind.Numeric).Select(c => c.Length).DefaultIfEmpty(0).Max()];
        foreach (FeatureColumn column in columns)
        {
            if (!seen.Add(column.Name))
            {
                throw new ArgumentException($"Feature '{column.Name}' appears more than once.", nameof(columns));
            }

            features.Add(column.Kind switch
            {
                FeatureKind.Numeric => Numeric(column.Name, column.Numbers!, options, scratch),
                FeatureKind.Boolean => Boolean(column.Name, column.Numbers!),
                _ => Categorical(column.Name, column.Texts!, options.MaxCategories),
            });
        }

        return new ReferenceProfile(rowCount, options.BinCount, options.MaxCategories, options.SampleSize, options.Seed, features);
    }

    /// <remarks>
    /// The finite values are copied into <paramref name="scratch"/> (the caller's column is not modified): the sample
    /// is drawn from it in input order, then it is sorted in place once for the exact quantile edges, the bin counts,
    /// min/max and the distinct values. Sorting makes profiling O(n log n) per feature; comparisons against the profile
    /// are O(n).
    /// </remarks>
    public static FeatureProfile Numeric(string name, ReadOnlySpan<double> values, ProfileOptions options, double[]? scratch = null)
    {
        double[] finite = scratch is not null && scratch.Length >= values.Length ? scratch : new double[values.Length];
        int n = 0;
        long missing = 0, infinite = 0;
        double mean = 0, m2 = 0;
        foreach (double v in values)
        {
            if (double.IsNaN(v))
            {
                missing++;
            }
            else if (double.IsInfinity(v))
            {
                infinite++;
            }
            else
            {
                finite[n++] = v;
                double delta = v - mean;
                mean += delta / n;
                m2 += delta * (v - mean);
            }
        }

        double[] sample = Reservoir(finite.AsSpan(0, n), options.SampleSize, options.Seed);
        if (n == 0)
        {
            return new FeatureProfile
            {
                Name = name,
                Kind = FeatureKind.Numeric,
                MissingCount = missing,
                InfinityCount = infinite,
                BinEdges = [double.NegativeInfinity, double.PositiveInfinity],
                BinCounts = [0],
                DistinctValues = [],
                DistinctCounts = [],
            };
        }

        Span<double> sorted = finite.AsSpan(0, n);
        sorted.Sort();
        double[] edges = QuantileEdgesOfSorted(sorted, options.BinCount);
        var counts = new double[edges.Length - 1];
        Binning.Count(edges, sorted, counts);
        (double[]? distinct, long[]? distinctCounts) = Distinct(sorted);
        return new FeatureProfile
        {
            Name = name,
            Kind = FeatureKind.Numeric,
            Count = n,
            MissingCount = missing,
            InfinityCount = infinite,
            Min = sorted[0],
            Max = sorted[^1],
            Mean = mean,
            StandardDeviation = n > 1 ? Math.Sqrt(m2 / (n - 1)) : 0,
            BinEdges = edges,
            BinCounts = [.. counts.Select(c => (long)c)],
            DistinctValues = distinct,
            DistinctCounts = distinctCounts,
            Sample = sample,
        };
    }

    public static FeatureProfile Boolean(string name, ReadOnlySpan<double> values)
    {
        long t = 0, f = 0, missing = 0;
        foreach (double v in values)
        {
            if (double.IsNaN(v))
            {
                missing++;
            }
            else if (v != 0)
            {
                t++;
            }
            else
            {
                f++;
            }
        }

        long n = t + f;
        double mean = n == 0 ? double.NaN : (double)t / n;
        return new FeatureProfile
        {
            Name = name,
            Kind = FeatureKind.Boolean,
            Count = n,
            MissingCount = missing,
            Min = n == 0 ? double.NaN : f > 0 ? 0 : 1,
            Max = n == 0 ? double.NaN : t > 0 ? 1 : 0,
            Mean = mean,
            StandardDeviation = n > 1 ? Math.Sqrt(mean * (1 - mean) * n / (n - 1)) : 0,
            Categories = new Dictionary<string, long>(StringComparer.Ordinal) { [bool.FalseString] = f, [bool.TrueString] = t },
        };
    }

    public static FeatureProfile Categorical(string name, IReadOnlyList<string?> values, int maxCategories)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        long missing = 0;
        foreach (string? v in values)
        {
            if (v is null)
            {
                missing++;
            }
            else
            {
                counts[v] = counts.GetValueOrDefault(v) + 1;
            }
        }

        (Dictionary<string, long> kept, long other) = Bound(counts, 0, maxCategories);
        return new FeatureProfile
        {
            Name = name,
            Kind = FeatureKind.Categorical,
            Count = values.Count - missing,
            MissingCount = missing,
            Categories = kept,
            OtherCount = other,
        };
    }

    /// <summary>Keeps the <paramref name="max"/> most frequent categories (ties by ordinal name); the rest goes to "other".</summary>
    public static (Dictionary<string, long> Kept, long Other) Bound(IEnumerable<KeyValuePair<string, long>> counts, long other, int max)
    {
        var ordered = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        var kept = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i < ordered.Count; i++)
        {
            if (i < max)
            {
                kept.Add(ordered[i].Key, ordered[i].Value);
            }
            else
            {
                other += ordered[i].Value;
            }
        }

        return (kept, other);
    }

    /// <summary>Algorithm R over <paramref name="values"/> in order, seeded.</summary>
    public static double[] Reservoir(ReadOnlySpan<double> values, int capacity, int seed)
    {
        if (values.Length <= capacity)
        {
            return values.ToArray();
        }

        var random = new Random(seed);
        var sample = new double[capacity];
        for (int i = 0; i < capacity; i++)
        {
            sample[i] = values[i];
        }

        for (int i = capacity; i < values.Length; i++)
        {
            int j = random.Next(i + 1);
            if (j < capacity)
            {
                sample[j] = values[i];
            }
        }

        return sample;
    }

    /// <summary><see cref="Binning.QuantileEdges"/> of data that is already sorted (no second copy and sort).</summary>
    private static double[] QuantileEdgesOfSorted(ReadOnlySpan<double> sorted, int binCount)
    {
        var edges = new double[binCount + 1];
        double step = 1.0 / binCount;
        for (int i = 1; i < binCount; i++)
        {
            edges[i] = Binning.Quantile(sorted, (i * step) + 0.0);
        }

        edges[0] = double.NegativeInfinity;
        edges[binCount] = double.PositiveInfinity;
        return edges;
    }

    private static (double[]? Values, long[]? Counts) Distinct(ReadOnlySpan<double> sorted)
    {
        var values = new List<double>();
        var counts = new List<long>();
        foreach (double v in sorted)
        {
            if (values.Count > 0 && values[^1] == v)
            {
                counts[^1]++;
                continue;
            }

            if (values.Count == ReferenceProfile.MaxDistinctValues)
            {
                return (null, null);
            }

            values.Add(v);
            counts.Add(1);
        }

        return ([.. values], [.. counts]);
    }
}
