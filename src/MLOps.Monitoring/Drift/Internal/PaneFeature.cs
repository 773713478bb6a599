using MLOps.Monitoring.Statistics;

namespace MLOps.Monitoring.Drift.Internal;

/// <summary>
/// The current values of one feature in a window (or a part of one): preallocated bin, value and category counts, a
/// reservoir sample and data-quality counters. Updating it never allocates.
/// </summary>
internal sealed class PaneFeature
{
    private readonly CompiledFeature _feature;
    private readonly ulong _seed;

    // The sample is a Reservoir (Algorithm L): a value it does not ask for costs one comparison with _next.
    private Reservoir _reservoir;
    private long _next = 1;

    public PaneFeature(CompiledFeature feature, int sampleCapacity, ulong seed)
    {
        _feature = feature;
        Bins = new double[Math.Max(0, feature.Edges.Length - 1)];
        Distinct = feature.Distinct is null ? null : new double[feature.Distinct.Length + 1];
        Categories = feature.IsNumeric ? [] : new double[feature.Categories.Length + 1];
        Sample = feature.IsNumeric ? new double[sampleCapacity] : [];
        _seed = seed;
        _reservoir = new Reservoir(Sample, seed);
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

        if (++Seen == _next)
        {
            _next = _reservoir.Offer(value, Seen);
            if (SampleCount < Sample.Length)
            {
                SampleCount++;
            }
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
        _next = 1;   // the reservoir fills again from the first value (its random stream continues)
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
        AddCounts(other);
        if (other.SampleCount > 0)
        {
            if (SampleCount + other.SampleCount > Sample.Length)
            {
                double[] grown = new double[SampleCount + other.SampleCount];
                Sample.AsSpan(0, SampleCount).CopyTo(grown);
                Sample = grown;
                StopSampling();
            }

            other.Sample.AsSpan(0, other.SampleCount).CopyTo(Sample.AsSpan(SampleCount));
            SampleCount += other.SampleCount;
        }
    }

    /// <summary>Adds <paramref name="other"/>'s counts (all of them, <see cref="Seen"/> included), not its sample.</summary>
    public void AddCounts(PaneFeature other)
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
    }

    /// <summary>Replaces the sample by a final one standing for <paramref name="seen"/> values (a merged or restored window).</summary>
    public void SetSample(double[] sample, long seen)
    {
        Sample = sample;
        SampleCount = sample.Length;
        Seen = seen;
        StopSampling();
    }

    /// <summary>Sets the data-quality counters (a window restored from its serialized state; counts go in the arrays).</summary>
    public void RestoreCounters(long count, long missing, long infinity, long outOfRange, long unseen)
    {
        Count = count;
        Missing = missing;
        Infinity = infinity;
        OutOfRange = outOfRange;
        Unseen = unseen;
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
        StopSampling();
    }

    /// <summary>A merged or set pane is evaluated, never added to: its sample is final.</summary>
    private void StopSampling()
    {
        _reservoir = new Reservoir(Sample, _seed);
        _next = long.MaxValue;
    }

    private static void Add(double[] target, double[] source)
    {
        for (int i = 0; i < target.Length; i++)
        {
            target[i] += source[i];
        }
    }
}
