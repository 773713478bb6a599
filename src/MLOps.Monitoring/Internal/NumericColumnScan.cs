namespace MLOps.Monitoring.Internal;

/// <summary>
/// The batch report's pass over one whole numeric column: missing, infinity and out-of-range counts, quantile bin
/// counts (<c>np.histogram</c> semantics), distinct-value counts and a uniform sample of the finite values, in one
/// sequential read of the column with O(log bins) work per value and nothing allocated per value.
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
/// (<see cref="PaneFeature"/>) draws its sample with Algorithm R, so beyond <c>capacity</c> values the two paths pick
/// different (equally uniform) samples of the same data; up to <c>capacity</c> values both hold every finite value in
/// order.
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
        double low = binCount > 0 ? edges[0] : double.PositiveInfinity;
        double high = binCount > 0 ? edges[binCount] : double.NegativeInfinity;
        double min = feature.Min, max = feature.Max;
        double[] sample = target.Sample;
        int capacity = sample.Length;
        var reservoir = new ReservoirL(capacity, seed);
        long next = reservoir.First();
        long count = 0, missing = 0, infinity = 0, outOfRange = 0;
        foreach (double v in values)
        {
            if (!double.IsFinite(v))
            {
                if (double.IsNaN(v))
                {
                    missing++;
                }
                else
                {
                    infinity++;
                }

                continue;
            }

            count++;
            outOfRange += v < min || v > max ? 1 : 0;
            if (v >= low && v <= high)
            {
                counts[BinOf(edges, binCount, v)]++;
            }

            if (count <= capacity)
            {
                sample[(int)count - 1] = v;
            }
            else if (count == next)
            {
                sample[reservoir.Slot()] = v;
                next = reservoir.Next(count);
            }
        }

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
                    int k = Array.BinarySearch(known, v);
                    distinct[k >= 0 ? k : distinct.Length - 1]++;
                }
            }
        }

        int kept = (int)Math.Min(count, capacity);
        target.Set(count, missing, infinity, outOfRange, 0, sample.AsSpan(0, kept));
    }

    /// <summary>
    /// The bin of <paramref name="v"/> (edges[0] &lt;= v &lt;= edges[binCount] here): the largest i &lt; binCount with
    /// edges[i] &lt;= v, as <c>np.histogram</c> (half-open bins, the last one closed; a duplicate edge's mass goes to
    /// the bin that starts at it). Branch-free binary search: the comparisons of unordered data are unpredictable.
    /// </summary>
    private static int BinOf(double[] edges, int binCount, double v)
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

    /// <summary>Algorithm L's state: the skip weight and a seeded xorshift64* generator.</summary>
    private struct ReservoirL
    {
        private readonly int _capacity;
        private ulong _state;
        private double _w;

        public ReservoirL(int capacity, ulong seed)
        {
            _capacity = capacity;

            // SplitMix64 of the seed: neighbouring seeds (one per feature) give unrelated streams; never 0.
            ulong z = seed + 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            _state = (z ^ (z >> 31)) | 1;
            _w = 0;
        }

        /// <summary>The 1-based index (among finite values) of the first value after the fill that enters the reservoir.</summary>
        public long First()
        {
            _w = Math.Exp(Math.Log(Uniform()) / _capacity);
            return Skip(_capacity);
        }

        /// <summary>A uniformly chosen reservoir slot to replace.</summary>
        public int Slot() => (int)Math.BigMul(NextBits(), (ulong)_capacity, out _);

        /// <summary>After the value at <paramref name="index"/> entered the reservoir: the index of the next one.</summary>
        public long Next(long index)
        {
            _w *= Math.Exp(Math.Log(Uniform()) / _capacity);
            return Skip(index);
        }

        private long Skip(long index)
        {
            double skip = Math.Floor(Math.Log(Uniform()) / Math.Log(1 - _w));
            return skip is >= 0 and < 1e18 ? index + (long)skip + 1 : long.MaxValue;
        }

        /// <summary>Uniform in (0, 1): 53 random bits, centred in their interval so 0 never occurs.</summary>
        private double Uniform() => ((NextBits() >> 11) + 0.5) * (1.0 / (1UL << 53));

        private ulong NextBits()
        {
            _state ^= _state >> 12;
            _state ^= _state << 25;
            _state ^= _state >> 27;
            return _state * 2685821657736338717UL;
        }
    }
}
