using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MLOps.Monitoring.Statistics.Internal;

namespace MLOps.Monitoring.Statistics;

/// <summary>
/// Histogram bin edges and bin counts with NumPy semantics (<c>np.quantile</c>, <c>np.histogram_bin_edges</c>,
/// <c>np.histogram</c>), for population stability index, chi-square and Jensen-Shannon drift tests.
/// </summary>
/// <remarks>
/// <para>
/// Edges are sorted ascending (non-decreasing). A value <c>x</c> falls in bin <c>i</c> when
/// <c>edges[i] &lt;= x &lt; edges[i + 1]</c>; the last bin is closed (<c>edges[^2] &lt;= x &lt;= edges[^1]</c>), exactly as in
/// <c>np.histogram</c>. Bins whose two edges are equal (duplicate edges) are therefore always empty, except when they are
/// the last bin.
/// </para>
/// <para>
/// NaN is rejected with an <see cref="ArgumentException"/>: callers treat NaN as a missing value and remove it first.
/// </para>
/// </remarks>
public static class Binning
{
    /// <summary>The default number of bins of <see cref="QuantileEdges(ReadOnlySpan{double}, int)"/>.</summary>
    public const int DefaultBinCount = 10;

    /// <summary>
    /// Computes <paramref name="binCount"/> + 1 quantile bin edges of a reference sample, with open outer bins.
    /// </summary>
    /// <param name="reference">The reference sample (any order; not modified).</param>
    /// <param name="binCount">The number of bins. <value>The default value is 10.</value></param>
    /// <returns>
    /// The edges <c>np.quantile(reference, np.linspace(0, 1, binCount + 1))</c> (linear interpolation) with the first
    /// edge replaced by <see cref="double.NegativeInfinity"/> and the last by <see cref="double.PositiveInfinity"/>, so
    /// every finite current value falls into a bin.
    /// </returns>
    /// <remarks>
    /// Duplicate edges (from ties in the reference) are <b>kept</b>: the result always has exactly
    /// <paramref name="binCount"/> + 1 edges, so bin counts of the reference and of any current window line up index by
    /// index. A bin between two equal inner edges is always empty (bins are half-open), so for the reference the mass
    /// of a tied value lands in the bin that starts at that value. Share-based tests (PSI, Jensen-Shannon) see an empty
    /// bin on both sides, which contributes nothing to Jensen-Shannon and nothing to PSI
    /// (both shares are replaced by the same <see cref="PopulationStabilityIndex.EmptyShare"/>).
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="reference"/> is empty or contains NaN or an infinity.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="binCount"/> is less than 1.</exception>
    public static double[] QuantileEdges(ReadOnlySpan<double> reference, int binCount = DefaultBinCount)
    {
        Guard.NotEmptyFinite(reference, nameof(reference));
        ArgumentOutOfRangeException.ThrowIfLessThan(binCount, 1);

        int n = reference.Length;
        double[] scratch = Guard.Rent(n);
        try
        {
            Span<double> sorted = scratch.AsSpan(0, n);
            reference.CopyTo(sorted);
            sorted.Sort();

            var edges = new double[binCount + 1];
            double step = 1.0 / binCount;
            for (int i = 1; i < binCount; i++)
            {
                // np.linspace(0, 1, binCount + 1)[i] = i * step + 0.0; then np.quantile's linear method.
                double q = (i * step) + 0.0;
                edges[i] = Quantile(sorted, q);
            }

            edges[0] = double.NegativeInfinity;
            edges[binCount] = double.PositiveInfinity;
            return edges;
        }
        finally
        {
            Guard.Return(scratch);
        }
    }

    /// <summary>
    /// Computes equal-width bin edges over the pooled reference and current samples with Sturges' rule
    /// (Evidently's compatibility option).
    /// </summary>
    /// <param name="reference">The reference sample.</param>
    /// <param name="current">The current sample.</param>
    /// <returns><c>np.histogram_bin_edges(np.concatenate([reference, current]), bins='sturges')</c>.</returns>
    /// <remarks>
    /// The number of bins is <c>ceil(range / (range / (log2(n) + 1)))</c> with <c>n</c> the pooled size; when every value is
    /// the same the single bin is [v − 0.5, v + 0.5], as in NumPy. The outer edges are the pooled minimum and maximum
    /// (not open), so <see cref="FindBin"/> returns -1 for later values outside them.
    /// </remarks>
    /// <exception cref="ArgumentException">A sample is empty or contains NaN or an infinity.</exception>
    public static double[] SturgesEdges(ReadOnlySpan<double> reference, ReadOnlySpan<double> current)
    {
        Guard.NotEmptyFinite(reference, nameof(reference));
        Guard.NotEmptyFinite(current, nameof(current));

        double min = Math.Min(MinOf(reference), MinOf(current));
        double max = Math.Max(MaxOf(reference), MaxOf(current));
        long size = (long)reference.Length + current.Length;

        double width = (max - min) / (Math.Log2(size) + 1.0);
        double first = min;
        double last = max;
        if (first == last)
        {
            first -= 0.5;
            last += 0.5;
        }

        int binCount = width != 0 ? (int)Math.Ceiling((last - first) / width) : 1;
        return LinSpace(first, last, binCount + 1);
    }

    /// <summary>Finds the bin of a value by binary search (O(log bins), no allocation).</summary>
    /// <param name="edges">The bin edges, ascending (not re-validated here, for speed).</param>
    /// <param name="value">The value.</param>
    /// <returns>
    /// The index <c>i</c> of the bin holding <paramref name="value"/> (<c>edges[i] &lt;= value &lt; edges[i + 1]</c>, the
    /// last bin closed on the right), or -1 when <paramref name="value"/> lies outside the outer edges.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="edges"/> has fewer than two edges, or <paramref name="value"/> is NaN.</exception>
    public static int FindBin(ReadOnlySpan<double> edges, double value)
    {
        if (edges.Length < 2)
        {
            throw new ArgumentException("At least two bin edges are required.", nameof(edges));
        }

        if (double.IsNaN(value))
        {
            throw new ArgumentException("The value must not be NaN (treat NaN as missing).", nameof(value));
        }

        return FindBinUnchecked(edges, value);
    }

    /// <summary>Counts values per bin, as <c>np.histogram(values, bins=edges)[0]</c>.</summary>
    /// <param name="edges">The bin edges, ascending.</param>
    /// <param name="values">The values to count; values outside the outer edges are not counted.</param>
    /// <param name="counts">Receives the count per bin; its length must be <c>edges.Length - 1</c>. It is overwritten.</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="edges"/> has fewer than two edges, contains NaN or is not ascending; <paramref name="values"/>
    /// contains NaN; or <paramref name="counts"/> has the wrong length.
    /// </exception>
    public static void Count(ReadOnlySpan<double> edges, ReadOnlySpan<double> values, Span<double> counts)
    {
        ValidateEdges(edges);
        Guard.NoNaN(values, nameof(values));
        Guard.SameLength(edges.Length - 1, counts.Length, nameof(counts));

        counts.Clear();
        foreach (double v in values)
        {
            int bin = FindBinUnchecked(edges, v);
            if (bin >= 0)
            {
                counts[bin]++;
            }
        }
    }

    /// <summary>Throws unless <paramref name="edges"/> has at least two non-NaN, non-decreasing values.</summary>
    internal static void ValidateEdges(ReadOnlySpan<double> edges)
    {
        if (edges.Length < 2)
        {
            throw new ArgumentException("At least two bin edges are required.", nameof(edges));
        }

        for (int i = 0; i < edges.Length; i++)
        {
            if (double.IsNaN(edges[i]) || (i > 0 && edges[i] < edges[i - 1]))
            {
                throw new ArgumentException("Bin edges must be ascending and must not contain NaN.", nameof(edges));
            }
        }
    }

    /// <summary>The linear-interpolation quantile (NumPy's default method) of sorted data.</summary>
    internal static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        int n = sorted.Length;
        double virtualIndex = (n - 1) * q;
        if (virtualIndex >= n - 1)
        {
            return sorted[n - 1];
        }

        if (virtualIndex < 0)
        {
            return sorted[0];
        }

        double previousIndex = Math.Floor(virtualIndex);
        int lower = (int)previousIndex;
        double gamma = virtualIndex - previousIndex;
        double a = sorted[lower];
        double b = sorted[lower + 1];

        // numpy's _lerp: a + (b - a) * t, or b - (b - a) * (1 - t) when t >= 0.5 (monotone and exact at the ends).
        double diff = b - a;
        return gamma >= 0.5 ? b - (diff * (1 - gamma)) : a + (diff * gamma);
    }

    /// <summary>NumPy's <c>np.linspace(start, stop, count)</c> with the endpoint, evaluated in the same order.</summary>
    internal static double[] LinSpace(double start, double stop, int count)
    {
        var result = new double[count];
        int div = count - 1;
        double delta = stop - start;
        double step = delta / div;
        for (int i = 0; i < count; i++)
        {
            result[i] = step == 0 ? (i / (double)div * delta) + start : (i * step) + start;
        }

        result[count - 1] = stop;
        return result;
    }

    /// <summary>
    /// The bin of a finite value when the outer edges are infinite (a profile's quantile edges): the largest <c>i</c> with
    /// <c>edges[i] &lt;= value</c>, which is the number of inner edges at or below the value. The online drift window's hot
    /// path: a branch-free count (random values cost no branch mispredictions).
    /// </summary>
    /// <param name="edges">At least two ascending edges, <c>edges[0] = -∞</c> and <c>edges[^1] = +∞</c>.</param>
    /// <param name="value">A finite value.</param>
    internal static int FindOpenBin(double[] edges, double value) =>
        CountAtMost(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(edges), 1), edges.Length - 2, value);

    /// <summary>The index of <paramref name="value"/> in ascending distinct <paramref name="sorted"/> values, or -1 (branch-free).</summary>
    /// <param name="sorted">Ascending, distinct values (may be empty).</param>
    /// <param name="value">A finite value.</param>
    internal static int FindExact(double[] sorted, double value)
    {
        ref double first = ref MemoryMarshal.GetArrayDataReference(sorted);
        int at = CountAtMost(ref first, sorted.Length, value) - 1;
        return at >= 0 && Unsafe.Add(ref first, at) == value ? at : -1;
    }

    /// <summary>
    /// How many of <paramref name="length"/> ascending values from <paramref name="start"/> are at most
    /// <paramref name="value"/>. Up to 64 values are counted with vector compares and population counts (no branch
    /// on the data, no dependency chain: ~O(1) for the default 10 bins); longer arrays use a branch-free binary search,
    /// O(log n).
    /// </summary>
    private static int CountAtMost(ref double start, int length, double value)
    {
        if (Vector256.IsHardwareAccelerated && length is >= 4 and <= 64)
        {
            Vector256<double> probe = Vector256.Create(value);
            int count = 0;
            int i = 0;
            for (; i <= length - 4; i += 4)
            {
                count += BitOperations.PopCount(
                    Vector256.LessThanOrEqual(Vector256.LoadUnsafe(ref start, (nuint)i), probe).ExtractMostSignificantBits());
            }

            if (i < length)
            {
                // The last four values again, without the lanes already counted.
                int counted = 4 - (length - i);
                uint mask = Vector256.LessThanOrEqual(Vector256.LoadUnsafe(ref start, (nuint)(length - 4)), probe).ExtractMostSignificantBits();
                count += BitOperations.PopCount(mask >> counted);
            }

            return count;
        }

        // Largest i in [-1, length) with start[i] <= value, found without data-dependent branches.
        int lo = -1;
        int span = length + 1;
        while (span > 1)
        {
            int half = span >> 1;
            int at = lo + half;
            uint below = Vector128.LessThanOrEqual(Vector128.CreateScalarUnsafe(Unsafe.Add(ref start, at)), Vector128.CreateScalarUnsafe(value))
                .ExtractMostSignificantBits() & 1;
            lo += half & -(int)below;
            span -= half;
        }

        return lo + 1;
    }

    private static int FindBinUnchecked(ReadOnlySpan<double> edges, double value)
    {
        int last = edges.Length - 1;
        if (value < edges[0] || value > edges[last])
        {
            return -1;
        }

        if (value == edges[last])
        {
            return last - 1;
        }

        // Largest i with edges[i] <= value (edges[0] <= value < edges[last] here, so 0 <= i < last).
        int lo = 0;
        int hi = last;
        while (hi - lo > 1)
        {
            int mid = (lo + hi) >>> 1;
            if (edges[mid] <= value)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static double MinOf(ReadOnlySpan<double> values)
    {
        double min = values[0];
        foreach (double v in values)
        {
            min = Math.Min(min, v);
        }

        return min;
    }

    private static double MaxOf(ReadOnlySpan<double> values)
    {
        double max = values[0];
        foreach (double v in values)
        {
            max = Math.Max(max, v);
        }

        return max;
    }
}
