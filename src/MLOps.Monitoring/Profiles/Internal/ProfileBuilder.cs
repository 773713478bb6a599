using MLOps.Monitoring.Statistics;
using MLOps.Monitoring.Statistics.Internal;

namespace MLOps.Monitoring.Profiles.Internal;

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
    /// The finite values are copied into <paramref name="scratch"/> (the caller's column is not modified) while count,
    /// moments, min and max are taken; the sample is drawn from the copy in input order; then only the order statistics
    /// the quantile edges read are selected in place (<see cref="OrderStatistics"/>, no full sort), and bin and distinct
    /// values are counted in linear passes. Profiling is O(n log bins) per feature.
    /// </remarks>
    public static FeatureProfile Numeric(string name, ReadOnlySpan<double> values, ProfileOptions options, double[]? scratch = null)
    {
        double[] finite = scratch is not null && scratch.Length >= values.Length ? scratch : new double[values.Length];
        int n = 0;
        long missing = 0, infinite = 0;
        double mean = 0, m2 = 0;
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
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
                min = Math.Min(min, v);
                max = Math.Max(max, v);
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

        Span<double> data = finite.AsSpan(0, n);
        (double[]? distinct, long[]? distinctCounts) = Distinct(data);
        double[] edges = QuantileEdges(data, options.BinCount);
        var counts = new long[edges.Length - 1];
        HistogramCount.Count(data, edges, double.NegativeInfinity, double.PositiveInfinity, counts);
        return new FeatureProfile
        {
            Name = name,
            Kind = FeatureKind.Numeric,
            Count = n,
            MissingCount = missing,
            InfinityCount = infinite,
            Min = min,
            Max = max,
            Mean = mean,
            StandardDeviation = n > 1 ? Math.Sqrt(m2 / (n - 1)) : 0,
            BinEdges = edges,
            BinCounts = counts,
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

    /// <summary>
    /// <see cref="Binning.QuantileEdges"/> (NumPy's linear quantiles, open outer edges) of unsorted finite data: selects
    /// the order statistics <see cref="Binning.Quantile"/> reads (in place), then reads them.
    /// </summary>
    private static double[] QuantileEdges(Span<double> data, int binCount)
    {
        int n = data.Length;
        double step = 1.0 / binCount;
        var ranks = new SortedSet<int>();
        for (int i = 1; i < binCount; i++)
        {
            // The same arithmetic as Binning.Quantile: it reads [n - 1], [0], or [lower] and [lower + 1].
            double virtualIndex = (n - 1) * ((i * step) + 0.0);
            if (virtualIndex >= n - 1)
            {
                ranks.Add(n - 1);
            }
            else if (virtualIndex < 0)
            {
                ranks.Add(0);
            }
            else
            {
                int lower = (int)Math.Floor(virtualIndex);
                ranks.Add(lower);
                ranks.Add(lower + 1);
            }
        }

        OrderStatistics.Select(data, [.. ranks]);
        var edges = new double[binCount + 1];
        for (int i = 1; i < binCount; i++)
        {
            edges[i] = Binning.Quantile(data, (i * step) + 0.0);
        }

        edges[0] = double.NegativeInfinity;
        edges[binCount] = double.PositiveInfinity;
        return edges;
    }

    /// <summary>The distinct values (ascending) and their counts, or nulls when there are more than <see cref="ReferenceProfile.MaxDistinctValues"/>.</summary>
    private static (double[]? Values, long[]? Counts) Distinct(ReadOnlySpan<double> data)
    {
        var values = new double[ReferenceProfile.MaxDistinctValues];
        var counts = new long[ReferenceProfile.MaxDistinctValues];
        int found = 0;
        int last = 0;
        foreach (double v in data)
        {
            if (found > 0 && values[last] == v)
            {
                counts[last]++;
                continue;
            }

            int j = 0;
            while (j < found && values[j] != v)
            {
                j++;
            }

            if (j == found)
            {
                if (found == values.Length)
                {
                    return (null, null);
                }

                values[found++] = v;
            }

            counts[j]++;
            last = j;
        }

        Array.Resize(ref values, found);
        Array.Resize(ref counts, found);
        Array.Sort(values, counts);
        return (values, counts);
    }
}
