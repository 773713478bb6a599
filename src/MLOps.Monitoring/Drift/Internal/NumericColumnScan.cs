using MLOps.Monitoring.Statistics;
using MLOps.Monitoring.Statistics.Internal;

namespace MLOps.Monitoring.Drift.Internal;

/// <summary>
/// The batch report's pass over one whole numeric column: missing, infinity and out-of-range counts, quantile bin
/// counts (<c>np.histogram</c> semantics), distinct-value counts and a uniform sample of the finite values, in one
/// sequential read of the column with a few instructions per value (the bin is found by counting the inner edges ≤ the
/// value with vector compares, four values at a time, or by a binary search beyond 32 inner edges), then a visit of
/// only the values that enter the sample; nothing is allocated per value.
/// </summary>
/// <remarks>
/// <para>
/// Memory: the counts and the sample (<c>capacity</c> doubles); the column itself is read in place, never copied.
/// </para>
/// <para>
/// The sample is Li's Algorithm L ("Reservoir-sampling algorithms of time complexity O(n(1 + log(N/n)))", ACM TOMS
/// 1994): the first <c>capacity</c> finite values fill the reservoir, then the algorithm jumps straight to the next
/// value that enters it (geometric skips), so random numbers are drawn only O(capacity · (1 + log(N / capacity)))
/// times instead of once per value as in Algorithm R. Every subset of <c>capacity</c> finite values is equally
/// likely, as with Algorithm R; it is seeded, so the same column and seed give the same sample. The streaming window
/// (<see cref="PaneFeature"/>) uses the same <see cref="Reservoir"/>.
/// </para>
/// </remarks>
internal static class NumericColumnScan
{
    /// <summary>Bin counts up to this many live on the stack.</summary>
    private const int StackBins = 256;

    /// <summary>
    /// Scans <paramref name="values"/> (NaN = missing) into <paramref name="target"/>, which must be freshly created; the
    /// sample holds up to the target's sample capacity.
    /// </summary>
    public static void Fill(PaneFeature target, CompiledFeature feature, ReadOnlySpan<double> values, ulong seed)
    {
        double[] edges = feature.Edges;
        int binCount = Math.Max(0, edges.Length - 1);
        Span<long> counts = binCount <= StackBins ? stackalloc long[binCount] : new long[binCount];
        counts.Clear();
        (long count, long missing, long infinity, long outOfRange) = HistogramCount.Count(values, edges, feature.Min, feature.Max, counts);
        for (int i = 0; i < binCount; i++)
        {
            target.Bins[i] = counts[i];
        }

        if (target.Distinct is { } distinct)
        {
            double[] known = feature.Distinct!;
            foreach (double v in values)
            {
                if (double.IsFinite(v))
                {
                    int k = Binning.FindExact(known, v);
                    distinct[k >= 0 ? k : distinct.Length - 1]++;
                }
            }
        }

        var reservoir = new Reservoir(target.Sample, seed);   // one per feature per report
        if (count == values.Length)
        {
            // Every value is finite: the k-th finite value is values[k - 1], so jump straight to the ones taken.
            for (long next = 1; next <= values.Length;)
            {
                next = reservoir.Offer(values[(int)(next - 1)], next);
            }
        }
        else
        {
            long index = 0, next = 1;
            foreach (double v in values)
            {
                if (double.IsFinite(v) && ++index == next)
                {
                    next = reservoir.Offer(v, index);
                }
            }
        }

        int kept = (int)Math.Min(count, target.Sample.Length);
        target.Set(count, missing, infinity, outOfRange, 0, target.Sample.AsSpan(0, kept));
    }
}
