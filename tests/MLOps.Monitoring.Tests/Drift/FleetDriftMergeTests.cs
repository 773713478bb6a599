using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Drift.Internal;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Statistics;
using MLOps.Monitoring.Tests.Support;

namespace MLOps.Monitoring.Tests.Drift;

/// <summary>
/// The mergeable window state of fleet drift: serialized, restored and merged, the counts equal the counts over all
/// rows exactly; the merged reservoir is a uniform sample of the union; a merged window evaluates like one window
/// that saw every row.
/// </summary>
public class FleetDriftMergeTests
{
    private static readonly ReferenceProfile Reference = ReferenceProfile.Create(TestModels.Houses(3000, seed: 1));

    private static CompiledReference Compile(Action<DriftOptions>? configure = null)
    {
        var options = new DriftOptions();
        configure?.Invoke(options);
        return new CompiledReference(Reference, options);
    }

    /// <summary>Counts <paramref name="rows"/> into a pane as the online window does.</summary>
    private static Pane Count(CompiledReference reference, IEnumerable<HouseInput> rows, ulong seed)
    {
        var pane = new Pane(reference, reference.SampleCapacity, seed);
        var extractor = new RowExtractor<HouseInput>(reference);
        foreach (HouseInput row in rows)
        {
            extractor.Add(pane, row);
        }

        pane.ModelVersion = 3;
        return pane;
    }

    /// <summary>Shifted houses with missing districts, unseen districts and sizes out of the reference range.</summary>
    private static HouseInput[] Stream(int count)
    {
        HouseInput[] rows = TestModels.Houses(count, seed: 5, sizeShift: 8, newDistrict: "harbour");
        for (int i = 0; i < rows.Length; i += 37)
        {
            rows[i].District = null;
        }

        for (int i = 5; i < rows.Length; i += 101)
        {
            rows[i].Size = 10_000;
        }

        return rows;
    }

    /// <summary>Splits the rows among three replicas, as a load balancer would (not evenly: 1/2, 1/3, 1/6).</summary>
    private static List<HouseInput>[] Split(HouseInput[] rows)
    {
        List<HouseInput>[] parts = [[], [], []];
        for (int i = 0; i < rows.Length; i++)
        {
            parts[(i % 6) switch { 0 or 1 or 2 => 0, 3 or 4 => 1, _ => 2 }].Add(rows[i]);
        }

        return parts;
    }

    private static Pane MergeRoundTripped(CompiledReference reference, IEnumerable<Pane> parts, int seed = 11) =>
        PaneMerger.Merge(reference, [.. parts.Select(p => PaneState.Restore(reference, PaneState.Serialize(p)))], seed);

    [Fact]
    public void Merge_ThreeReplicasStatesRoundTripped_CountsEqualOneWindowOverAllRows()
    {
        CompiledReference reference = Compile();
        HouseInput[] rows = Stream(6000);
        List<HouseInput>[] parts = Split(rows);
        Pane whole = Count(reference, rows, seed: 1);

        Pane merged = MergeRoundTripped(reference, parts.Select((p, i) => Count(reference, p, seed: (ulong)(10 + i))));

        Assert.Equal(whole.Rows, merged.Rows);
        Assert.Equal(3, merged.ModelVersion);
        for (int i = 0; i < reference.Features.Length; i++)
        {
            PaneFeature expected = whole.Features[i], actual = merged.Features[i];
            string name = reference.Features[i].Name;
            Assert.True(expected.Bins.SequenceEqual(actual.Bins), name + " bins");
            Assert.True(expected.Categories.SequenceEqual(actual.Categories), name + " categories");
            Assert.Equal(expected.Distinct ?? [], actual.Distinct ?? []);
            Assert.Equal(
                (expected.Count, expected.Missing, expected.Infinity, expected.OutOfRange, expected.Unseen, expected.Seen),
                (actual.Count, actual.Missing, actual.Infinity, actual.OutOfRange, actual.Unseen, actual.Seen));
        }

        // The stream really exercises every counter.
        PaneFeature district = merged.Features[reference.Find("District")!.Index];
        Assert.True(district.Missing > 0 && district.Unseen > 0);
        Assert.True(merged.Features[reference.Find("Size")!.Index].OutOfRange > 0);

        // The merged sample holds reference.SampleCapacity values (3,000: each replica's sample is full), all from the rows.
        PaneFeature size = merged.Features[reference.Find("Size")!.Index];
        Assert.Equal(Math.Min(reference.SampleCapacity, 6000), size.SampleCount);
        var sizes = rows.Select(r => (double)r.Size).ToHashSet();
        Assert.All(size.Sample[..size.SampleCount], v => Assert.Contains(v, sizes));
    }

    [Fact]
    public void Evaluate_MergedStates_CountsBasedResultsEqualOneWindowOverAllRows()
    {
        CompiledReference reference = Compile(o =>
        {
            o.Methods["Size"] = DriftMethod.ChiSquare;
            o.Methods["Rooms"] = DriftMethod.PopulationStabilityIndex;
            o.Methods["District"] = DriftMethod.JensenShannon;
        });
        HouseInput[] rows = Stream(4500);
        var schema = new RowExtractor<HouseInput>(reference).Schema;
        Pane whole = Count(reference, rows, seed: 1);
        Pane merged = MergeRoundTripped(reference, Split(rows).Select((p, i) => Count(reference, p, seed: (ulong)(20 + i))));

        DateTimeOffset now = DateTimeOffset.UnixEpoch;
        DriftReport one = DriftEvaluator.Evaluate(whole, schema, now);
        DriftReport fleet = DriftEvaluator.Evaluate(merged, schema, now);

        Assert.Equal(one.CurrentRows, fleet.CurrentRows);
        foreach (FeatureDriftResult expected in one.Features)
        {
            FeatureDriftResult actual = fleet.Find(expected.Feature)!;
            Assert.Equal(expected.Statistic, actual.Statistic);
            Assert.Equal(expected.PValue, actual.PValue);
            Assert.Equal(expected.Drifted, actual.Drifted);
            Assert.Equal(expected.CurrentCount, actual.CurrentCount);
            Assert.Equal(expected.Distribution!.Current, actual.Distribution!.Current);
        }

        Assert.Equal(one.DataQuality.Features, fleet.DataQuality.Features);
        Assert.Equal(one.DatasetDrift, fleet.DatasetDrift);
    }

    [Fact]
    public void Evaluate_ReplicaSeesAThirdOfADriftedStream_OnlyTheMergedWindowDetectsIt()
    {
        // Reference: sizes spread evenly over [0, 5000), so its 10 quantile bins hold 500 values each. The stream leans
        // towards small sizes (bin shares 14, 12, 11, 10, 10, 10, 9, 9, 8, 7 %); each replica gets every third row.
        ReferenceProfile profile = ReferenceProfile.Create(Enumerable.Range(0, 5000).Select(i => new HouseInput { Size = i + 0.5f, Rooms = 1, District = "north" }));
        var options = new DriftOptions();
        options.Features.Add("Size");
        options.Methods["Size"] = DriftMethod.ChiSquare;
        var reference = new CompiledReference(profile, options);
        HouseInput[] rows = FleetDriftStream.Rows(900).Select(size => new HouseInput { Size = (float)size, Rooms = 1, District = "north" }).ToArray();
        Pane[] replicas = [.. Enumerable.Range(0, 3).Select(r => Count(reference, rows.Where((_, i) => i % 3 == r), seed: (ulong)r))];
        var schema = new RowExtractor<HouseInput>(reference).Schema;

        foreach (Pane replica in replicas)
        {
            DriftReport alone = DriftEvaluator.Evaluate(replica, schema, DateTimeOffset.UnixEpoch);
            Assert.Equal(300, alone.CurrentRows);
            Assert.False(alone.Find("Size")!.Drifted, $"one replica's window alone detected the drift (p = {alone.Find("Size")!.PValue})");
        }

        DriftReport fleet = DriftEvaluator.Evaluate(MergeRoundTripped(reference, replicas), schema, DateTimeOffset.UnixEpoch);
        Assert.Equal(900, fleet.CurrentRows);
        Assert.True(fleet.Find("Size")!.Drifted, $"the merged window missed the drift (p = {fleet.Find("Size")!.PValue})");
        Assert.True(fleet.DatasetDrift);
        Assert.Equal(FleetDriftStream.BinCounts(900), fleet.Find("Size")!.Distribution!.Current.Select(share => Math.Round(share * 900)));
    }

    [Fact]
    public void ReservoirMerge_ManySeededMergesOfRealReservoirs_EveryOriginalValueIsSelectedEquallyOften()
    {
        // Three disjoint streams of 10, 90 and 200 values (0..299), each sampled by the online reservoir with capacity 20
        // (the first holds all its 10 values), merged into 20 values. Over 6,000 seeded trials each value must be selected
        // 6,000 × 20 / 300 = 400 times in expectation: chi-square goodness of fit over the 300 values (299 df).
        const int Trials = 6000;
        const int Capacity = 20;
        int[] lengths = [10, 90, 200];
        CompiledFeature feature = Compile().Find("Size")!;
        var selected = new double[lengths.Sum()];
        for (int trial = 0; trial < Trials; trial++)
        {
            var sources = new (double[] Sample, long Weight)[lengths.Length];
            int first = 0;
            for (int s = 0; s < lengths.Length; s++)
            {
                var pane = new PaneFeature(feature, Capacity, (ulong)((trial * 3) + s + 1));
                for (int v = 0; v < lengths[s]; v++)
                {
                    pane.AddNumber(first + v);
                }

                sources[s] = (pane.Sample[..pane.SampleCount], pane.Seen);
                first += lengths[s];
            }

            int capacity = ReservoirMerge.Capacity(sources, Capacity);
            Assert.Equal(Capacity, capacity);
            double[] merged = ReservoirMerge.Merge(sources, capacity, seed: trial);
            Assert.Equal(Capacity, merged.Distinct().Count());
            foreach (double value in merged)
            {
                selected[(int)value]++;
            }
        }

        double[] expected = [.. Enumerable.Repeat((double)Trials * Capacity / selected.Length, selected.Length)];
        TestResult fit = ChiSquare.GoodnessOfFit(expected, selected);
        Assert.True(fit.PValue > 0.001, $"the merged sample is not uniform over the union: chi2 = {fit.Statistic}, p = {fit.PValue}");

        // The small complete source is represented in proportion to its size, not to its sample's share (10 of 50 held).
        double fromFirst = selected[..10].Sum() / (Trials * Capacity);
        Assert.InRange(fromFirst, 0.030, 0.037);   // 10 / 300 = 0.0333
    }

    [Fact]
    public void ReservoirMerge_SameInputsAndSeed_SameSample_AndCompleteSourcesWithinCapacity_TheUnion()
    {
        (double[], long)[] sources = [([1, 2, 3], 3), ([4, 5], 2)];
        Assert.Equal([1, 2, 3, 4, 5], ReservoirMerge.Merge(sources, 10, seed: 1));

        (double[], long)[] sampled = [([.. Enumerable.Range(0, 50).Select(i => (double)i)], 1000), ([.. Enumerable.Range(100, 50).Select(i => (double)i)], 3000)];
        Assert.Equal(ReservoirMerge.Merge(sampled, 50, seed: 7), ReservoirMerge.Merge(sampled, 50, seed: 7));
        Assert.NotEqual(ReservoirMerge.Merge(sampled, 50, seed: 7), ReservoirMerge.Merge(sampled, 50, seed: 8));
        Assert.Throws<ArgumentException>(() => ReservoirMerge.Merge([([1, 2, 3], 2)], 10, seed: 1));
    }

    [Fact]
    public void Restore_StateOfAnotherReference_ThrowsInvalidDataNamingTheMismatch()
    {
        CompiledReference all = Compile();
        CompiledReference sizeOnly = Compile(o => o.Features.Add("Size"));
        string state = PaneState.Serialize(Count(all, TestModels.Houses(50, seed: 2), seed: 1));

        var ex = Assert.Throws<InvalidDataException>(() => PaneState.Restore(sizeOnly, state));
        Assert.Contains("does not match the reference profile", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => PaneState.Restore(all, "{\"format\":1}"));
        Assert.Throws<InvalidDataException>(() => PaneState.Restore(all, "not json"));
        Assert.Throws<InvalidDataException>(() => PaneState.Restore(all, state.Replace("\"format\":1", "\"format\":2", StringComparison.Ordinal)));
    }
}
