using MLOps.Monitoring.Statistics;

namespace MLOps.Monitoring.Profiles.Internal;

internal static class ProfileMerger
{
    public static FeatureProfile Merge(FeatureProfile a, FeatureProfile b, int maxCategories, int sampleSize, int seed)
    {
        long n = a.Count + b.Count;
        (double mean, double std) = CombineMoments(a, b);
        if (a.Kind != FeatureKind.Numeric)
        {
            var union = new Dictionary<string, long>(a.Categories, StringComparer.Ordinal);
            foreach ((string key, long count) in b.Categories)
            {
                union[key] = union.GetValueOrDefault(key) + count;
            }

            (Dictionary<string, long> kept, long other) = a.Kind == FeatureKind.Boolean
                ? (union, 0)
                : ProfileBuilder.Bound(union, a.OtherCount + b.OtherCount, maxCategories);
            return new FeatureProfile
            {
                Name = a.Name,
                Kind = a.Kind,
                Count = n,
                MissingCount = a.MissingCount + b.MissingCount,
                Min = MinOf(a.Min, b.Min),
                Max = MaxOf(a.Max, b.Max),
                Mean = mean,
                StandardDeviation = std,
                Categories = kept,
                OtherCount = other,
            };
        }

        double[] edges = [.. a.BinEdges];
        long[] counts = [.. a.BinCounts];
        if (a.BinEdges.SequenceEqual(b.BinEdges))
        {
            for (int i = 0; i < counts.Length; i++)
            {
                counts[i] += b.BinCounts[i];
            }
        }
        else if (b.Count > 0 && b.Sample.Count > 0)
        {
            // Different edges: estimate b's counts in a's bins from b's sample, scaled to b's count.
            var sampled = new double[counts.Length];
            Binning.Count(edges, [.. b.Sample], sampled);
            double scale = (double)b.Count / b.Sample.Count;
            for (int i = 0; i < counts.Length; i++)
            {
                counts[i] += (long)Math.Round(sampled[i] * scale);
            }
        }

        return new FeatureProfile
        {
            Name = a.Name,
            Kind = a.Kind,
            Count = n,
            MissingCount = a.MissingCount + b.MissingCount,
            InfinityCount = a.InfinityCount + b.InfinityCount,
            Min = MinOf(a.Min, b.Min),
            Max = MaxOf(a.Max, b.Max),
            Mean = mean,
            StandardDeviation = std,
            BinEdges = edges,
            BinCounts = counts,
            DistinctValues = MergeDistinct(a, b, out long[]? distinctCounts),
            DistinctCounts = distinctCounts,
            Sample = MergeSamples(a, b, sampleSize, seed),
        };
    }

    private static (double Mean, double Std) CombineMoments(FeatureProfile a, FeatureProfile b)
    {
        if (a.Count == 0)
        {
            return (b.Mean, b.StandardDeviation);
        }

        if (b.Count == 0)
        {
            return (a.Mean, a.StandardDeviation);
        }

        double na = a.Count, nb = b.Count, n = na + nb;
        double delta = b.Mean - a.Mean;
        double mean = a.Mean + (delta * nb / n);
        double m2 = (a.StandardDeviation * a.StandardDeviation * (na - 1))
            + (b.StandardDeviation * b.StandardDeviation * (nb - 1))
            + (delta * delta * na * nb / n);
        return (mean, n > 1 ? Math.Sqrt(m2 / (n - 1)) : 0);
    }

    private static double MinOf(double a, double b) => double.IsNaN(a) ? b : double.IsNaN(b) ? a : Math.Min(a, b);

    private static double MaxOf(double a, double b) => double.IsNaN(a) ? b : double.IsNaN(b) ? a : Math.Max(a, b);

    private static double[]? MergeDistinct(FeatureProfile a, FeatureProfile b, out long[]? counts)
    {
        counts = null;
        if (a.DistinctValues is null || b.DistinctValues is null)
        {
            return null;
        }

        var merged = new SortedDictionary<double, long>();
        for (int i = 0; i < a.DistinctValues.Count; i++)
        {
            merged[a.DistinctValues[i]] = a.DistinctCounts![i];
        }

        for (int i = 0; i < b.DistinctValues.Count; i++)
        {
            merged[b.DistinctValues[i]] = merged.GetValueOrDefault(b.DistinctValues[i]) + b.DistinctCounts![i];
        }

        if (merged.Count > ReferenceProfile.MaxDistinctValues)
        {
            return null;
        }

        counts = [.. merged.Values];
        return [.. merged.Keys];
    }

    /// <summary>A sample of the union: each side contributes in proportion to the rows it represents.</summary>
    private static double[] MergeSamples(FeatureProfile a, FeatureProfile b, int sampleSize, int seed)
    {
        if (a.Sample.Count + b.Sample.Count <= sampleSize && a.Sample.Count == a.Count && b.Sample.Count == b.Count)
        {
            return [.. a.Sample, .. b.Sample];
        }

        long total = a.Count + b.Count;
        if (total == 0)
        {
            return [];
        }

        int size = Math.Min(sampleSize, a.Sample.Count + b.Sample.Count);
        int fromA = (int)Math.Round(size * ((double)a.Count / total));
        fromA = Math.Min(fromA, a.Sample.Count);
        int fromB = Math.Min(size - fromA, b.Sample.Count);
        var random = new Random(seed);
        return [.. Pick(a.Sample, fromA, random), .. Pick(b.Sample, fromB, random)];
    }

    private static double[] Pick(IReadOnlyList<double> sample, int count, Random random)
    {
        double[] copy = [.. sample];
        random.Shuffle(copy);
        return copy[..count];
    }
}
