using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MLOps.Monitoring.Statistics;

namespace MLOps.Monitoring.Internal;

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

    /// <summary>Up to this many inner edges the bin is found by counting edges ≤ value with vector compares.</summary>
    private const int VectorEdges = 32;

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
        (long count, long missing, long infinity, long outOfRange) = Count(values, edges, feature.Min, feature.Max, counts);
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

    /// <summary>
    /// Counts finite, missing, infinite and out-of-[<paramref name="min"/>, <paramref name="max"/>] values and the finite
    /// values per bin. Four values at a time when the hardware has 256-bit vectors and there are at most
    /// <see cref="VectorEdges"/> inner edges: each lane's bin is the number of inner edges ≤ its value; a group of four
    /// with a value outside the outer edges (or not finite) goes through the scalar step instead.
    /// </summary>
    internal static (long Count, long Missing, long Infinity, long OutOfRange) Count(
        ReadOnlySpan<double> values, double[] edges, double min, double max, Span<long> counts)
    {
        int binCount = counts.Length;
        double low = binCount > 0 ? edges[0] : double.PositiveInfinity;
        double high = binCount > 0 ? edges[binCount] : double.NegativeInfinity;
        long count = 0, missing = 0, infinity = 0, outOfRange = 0;
        bool vector = Vector256.IsHardwareAccelerated && binCount > 0 && binCount - 1 <= VectorEdges;
        Span<Vector256<double>> inner = stackalloc Vector256<double>[vector ? binCount - 1 : 0];
        for (int e = 0; e < inner.Length; e++)
        {
            inner[e] = Vector256.Create(edges[e + 1]);
        }

        Vector256<double> vLow = Vector256.Create(low), vHigh = Vector256.Create(high);
        Vector256<double> vMin = Vector256.Create(min), vMax = Vector256.Create(max);
        Vector256<double> infinite = Vector256.Create(double.PositiveInfinity);
        int n = values.Length;
        int i = 0;
        while (i < n)
        {
            if (vector && i <= n - 4)
            {
                Vector256<double> v = Vector256.Create(values.Slice(i, 4));
                Vector256<double> binned = Vector256.LessThan(Vector256.Abs(v), infinite)
                    & Vector256.GreaterThanOrEqual(v, vLow) & Vector256.LessThanOrEqual(v, vHigh);
                if (binned.ExtractMostSignificantBits() == 0b1111)
                {
                    Vector256<long> bin = Vector256<long>.Zero;
                    foreach (Vector256<double> edge in inner)
                    {
                        bin -= Vector256.LessThanOrEqual(edge, v).AsInt64();   // all-ones lane = -1
                    }

                    counts[(int)bin.GetElement(0)]++;
                    counts[(int)bin.GetElement(1)]++;
                    counts[(int)bin.GetElement(2)]++;
                    counts[(int)bin.GetElement(3)]++;
                    count += 4;
                    outOfRange += BitOperations.PopCount((Vector256.LessThan(v, vMin) | Vector256.GreaterThan(v, vMax)).ExtractMostSignificantBits());
                    i += 4;
                    continue;
                }
            }

            double x = values[i++];
            if (double.IsNaN(x))
            {
                missing++;
            }
            else if (double.IsInfinity(x))
            {
                infinity++;
            }
            else
            {
                count++;
                if (x < min || x > max)
                {
                    outOfRange++;
                }

                if (x >= low && x <= high)
                {
                    counts[BinarySearch(edges, binCount, x)]++;
                }
            }
        }

        return (count, missing, infinity, outOfRange);
    }

    /// <summary>
    /// The bin of <paramref name="v"/> (edges[0] &lt;= v &lt;= edges[binCount] here): the largest i &lt; binCount with
    /// edges[i] &lt;= v, as <c>np.histogram</c> (half-open bins, the last one closed; a duplicate edge's mass goes to
    /// the bin that starts at it). Counting the inner edges ≤ v gives the same index.
    /// </summary>
    private static int BinarySearch(double[] edges, int binCount, double v)
    {
        int lo = 0;
        int length = binCount;
        while (length > 1)
        {
            int half = length >> 1;
            lo = edges[lo + half] <= v ? lo + half : lo;
            length -= half;
        }

        return lo;
    }
}
