using MLOps.Monitoring.Statistics;

namespace MLOps.Monitoring.Internal;

/// <summary>
/// The current values of one feature in a window (or a part of one): preallocated bin, value and category counts, a
/// reservoir sample and data-quality counters. Updating it never allocates.
/// </summary>
internal sealed class PaneFeature
{
    private readonly CompiledFeature _feature;
    private ulong _random;

    // Reservoir sampling by Li's Algorithm L (ACM TOMS 20(4), 1994): once the sample is full, the number of values to
    // skip before the next replacement is drawn from its exact distribution, so a value that is not sampled costs one
    // comparison (no random number, no division) and the result is the same uniform sample as Algorithm R.
    private double _w;
    private long _nextReplacement = long.MaxValue;

    public PaneFeature(CompiledFeature feature, int sampleCapacity, ulong seed)
    {
        _feature = feature;
        Bins = new double[Math.Max(0, feature.Edges.Length - 1)];
        Distinct = feature.Distinct is null ? null : new double[feature.Distinct.Length + 1];
        Categories = feature.IsNumeric ? [] : new double[feature.Categories.Length + 1];
        Sample = feature.IsNumeric ? new double[sampleCapacity] : [];
        _random = seed | 1;
    }

    public long Count { get; private set; }

    public long Missing { get; private set; }

    public long Infinity { get; private set; }

    public long OutOfRange { get; private set; }

    public long Unseen { get; private set; }

    public double[] Bins { get; }

    /// <summary>Counts per distinct reference value plus an "other" slot (numeric features with few distinct values).</summary>
    public double[]? Distinct { get; }

    /// <summary>Counts per reference category plus an "other"/unseen slot.</summary>
    public double[] Categories { get; }

    public double[] Sample { get; private set; }

    public int SampleCount { get; private set; }

    /// <summary>How many values were offered to the reservoir.</summary>
    public long Seen { get; private set; }

    public void AddNumber(double value)
    {
        if (!double.IsFinite(value))
        {
            if (double.IsNaN(value))
            {
                Missing++;
            }
            else
            {
                Infinity++;
            }

            return;
        }

        Count++;
        CompiledFeature f = _feature;
        if (value < f.Min || value > f.Max)
        {
            OutOfRange++;
        }

        Bins[Binning.FindOpenBin(f.Edges, value)]++;
        if (Distinct is not null)
        {
            int i = Binning.FindExact(f.Distinct!, value);
            Distinct[i >= 0 ? i : Distinct.Length - 1]++;
        }

        long seen = ++Seen;
        if (SampleCount < Sample.Length)
        {
            Sample[SampleCount++] = value;
            if (SampleCount == Sample.Length)
            {
                StartSkipping();
            }
        }
        else if (seen == _nextReplacement)
        {
            Replace(value);
        }
    }

    public void AddBoolean(double value)
    {
        if (double.IsNaN(value))
        {
            Missing++;
            return;
        }

        Count++;
        Categories[value != 0 ? 1 : 0]++;
    }

    /// <summary>Counts a category by its index in the reference, or <see cref="CompiledFeature.OtherCategory"/> when unseen.</summary>
    public void AddCategory(int index)
    {
        Count++;
        if (index == Categories.Length - 1)
        {
            Unseen++;
        }

        Categories[index]++;
    }

    public void AddCategory(string? value)
    {
        if (value is null)
        {
            Missing++;
            return;
        }

        AddCategory(_feature.CategoryIndex.TryGetValue(value, out int index) ? index : _feature.OtherCategory);
    }

    public void AddMissing() => Missing++;

    public void Reset()
    {
        Count = Missing = Infinity = OutOfRange = Unseen = Seen = 0;
        SampleCount = 0;
        _nextReplacement = long.MaxValue;
        Array.Clear(Bins);
        Array.Clear(Categories);
        if (Distinct is not null)
        {
            Array.Clear(Distinct);
        }
    }

    /// <summary>Adds <paramref name="other"/>'s counts and appends its sample, growing the sample array (evaluation side only).</summary>
    public void MergeFrom(PaneFeature other)
    {
        Count += other.Count;
        Missing += other.Missing;
        Infinity += other.Infinity;
        OutOfRange += other.OutOfRange;
        Unseen += other.Unseen;
        Seen += other.Seen;
        Add(Bins, other.Bins);
        Add(Categories, other.Categories);
        if (Distinct is not null)
        {
            Add(Distinct, other.Distinct!);
        }

        if (other.SampleCount > 0)
        {
            if (SampleCount + other.SampleCount > Sample.Length)
            {
                double[] grown = new double[SampleCount + other.SampleCount];
                Sample.AsSpan(0, SampleCount).CopyTo(grown);
                Sample = grown;
            }

            other.Sample.AsSpan(0, other.SampleCount).CopyTo(Sample.AsSpan(SampleCount));
            SampleCount += other.SampleCount;
        }
    }

    /// <summary>Sets counts directly (a current profile used as current data).</summary>
    public void Set(long count, long missing, long infinity, long outOfRange, long unseen, ReadOnlySpan<double> sample)
    {
        Count = count;
        Missing = missing;
        Infinity = infinity;
        OutOfRange = outOfRange;
        Unseen = unseen;
        Sample = sample.ToArray();
        SampleCount = Sample.Length;
        Seen = SampleCount;
    }

    private void StartSkipping()
    {
        _w = Math.Exp(Math.Log(NextUniform()) / Sample.Length);
        ScheduleNext();
    }

    private void Replace(double value)
    {
        Sample[(int)Math.BigMul(NextRandom(), (ulong)Sample.Length, out _)] = value;
        _w *= Math.Exp(Math.Log(NextUniform()) / Sample.Length);
        ScheduleNext();
    }

    private void ScheduleNext()
    {
        // The skip is geometric: floor(ln(u) / ln(1 - w)); when 1 - w rounds to 1 it is beyond any reachable count.
        double denominator = Math.Log(1 - _w);
        double skip = denominator < 0 ? Math.Floor(Math.Log(NextUniform()) / denominator) : double.PositiveInfinity;
        _nextReplacement = skip < long.MaxValue / 2 ? Seen + (long)skip + 1 : long.MaxValue;
    }

    /// <summary>xorshift64*: a fast deterministic 64-bit generator (seeded per pane and feature).</summary>
    private ulong NextRandom()
    {
        _random ^= _random >> 12;
        _random ^= _random << 25;
        _random ^= _random >> 27;
        return _random * 2685821657736338717UL;
    }

    /// <summary>A uniform double in the open interval (0, 1).</summary>
    private double NextUniform() => ((NextRandom() >> 11) + 0.5) * (1.0 / (1UL << 53));

    private static void Add(double[] target, double[] source)
    {
        for (int i = 0; i < target.Length; i++)
        {
            target[i] += source[i];
        }
    }
}
