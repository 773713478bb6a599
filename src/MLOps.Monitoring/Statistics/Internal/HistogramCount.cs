using System.Numerics;
using System.Runtime.Intrinsics;

namespace MLOps.Monitoring.Statistics.Internal;

/// <summary>
/// Histogram counting with <c>np.histogram</c> semantics over one column, shared by the reference profile builder and
/// the drift batch scan: the bin is found by counting the inner edges ≤ the value with vector compares, four values at
/// a time, or by a binary search beyond <see cref="VectorEdges"/> inner edges.
/// </summary>
internal static class HistogramCount
{
    /// <summary>Up to this many inner edges the bin is found by counting edges ≤ value with vector compares.</summary>
    private const int VectorEdges = 32;

    /// <summary>
    /// Counts finite, missing, infinite and out-of-[<paramref name="min"/>, <paramref name="max"/>] values and the finite
    /// values per bin. Four values at a time when the hardware has 256-bit vectors and there are at most
    /// <see cref="VectorEdges"/> inner edges: each lane's bin is the number of inner edges ≤ its value; a group of four
    /// with a value outside the outer edges (or not finite) goes through the scalar step instead.
    /// </summary>
    public static (long Count, long Missing, long Infinity, long OutOfRange) Count(
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
