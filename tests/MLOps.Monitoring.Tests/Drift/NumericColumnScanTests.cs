using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Drift.Internal;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Statistics;
using MLOps.Monitoring.Tests.Support;

namespace MLOps.Monitoring.Tests.Drift;

public class NumericColumnScanTests
{
    private static (CompiledReference Reference, PaneFeature Target) Prepare(double[] reference, int sampleSize)
    {
        ReferenceProfile profile = ReferenceProfile.FromColumns([new("x", reference)], options: new ProfileOptions { SampleSize = sampleSize });
        var compiled = new CompiledReference(profile, new DriftOptions());
        var pane = new Pane(compiled, compiled.SampleCapacity, 7);
        return (compiled, pane.Features[0]);
    }

    private static double[] Scan(double[] values, int sampleSize, ulong seed)
    {
        (CompiledReference reference, PaneFeature target) = Prepare([.. Enumerable.Range(0, 100).Select(i => (double)i)], sampleSize);
        NumericColumnScan.Fill(target, reference.Features[0], values, seed);
        return target.Sample[..target.SampleCount];
    }

    [Fact]
    public void Fill_ColumnWithMissingInfiniteAndOutOfRangeValues_CountsLikeNumPy()
    {
        double[] reference = Synthetic.Normal(2000, seed: 1);
        double[] current = Synthetic.Normal(30_000, seed: 2, mean: 0.3, sd: 1.5);
        for (int i = 0; i < current.Length; i += 97)
        {
            current[i] = i % 2 == 0 ? double.NaN : i % 3 == 0 ? double.NegativeInfinity : double.PositiveInfinity;
        }

        (CompiledReference compiled, PaneFeature target) = Prepare(reference, 5000);
        CompiledFeature feature = compiled.Features[0];
        NumericColumnScan.Fill(target, feature, current, 11);

        double[] finite = [.. current.Where(double.IsFinite)];
        var expected = new double[feature.Edges.Length - 1];
        Binning.Count(feature.Edges, finite, expected);
        Assert.Equal(expected, target.Bins);
        Assert.Equal(finite.Length, target.Count);
        Assert.Equal(current.Count(double.IsNaN), target.Missing);
        Assert.Equal(current.Count(double.IsInfinity), target.Infinity);
        Assert.Equal(finite.Count(v => v < reference.Min() || v > reference.Max()), target.OutOfRange);
        Assert.True(target.OutOfRange > 0);
        Assert.Equal(5000, target.SampleCount);
        Assert.All(target.Sample[..target.SampleCount], v => Assert.True(double.IsFinite(v)));
    }

    [Theory]
    [InlineData(10)]    // vector path: the bin is the number of inner edges <= the value
    [InlineData(50)]    // more than 32 inner edges: binary search
    public void Fill_TiesAndValuesOnTheEdges_BinLikeNumPy(int binCount)
    {
        // Rounded values: many ties, duplicate quantile edges and current values exactly on the edges.
        double[] reference = [.. Synthetic.Normal(3000, seed: 8).Select(v => Math.Round(v * 2) / 2)];
        double[] current = [.. Synthetic.Normal(20_001, seed: 9, mean: 0.2).Select(v => Math.Round(v * 2) / 2)];
        ReferenceProfile profile = ReferenceProfile.FromColumns([new("x", reference)], options: new ProfileOptions { BinCount = binCount });
        var compiled = new CompiledReference(profile, new DriftOptions());
        PaneFeature target = new Pane(compiled, compiled.SampleCapacity, 7).Features[0];
        CompiledFeature feature = compiled.Features[0];

        NumericColumnScan.Fill(target, feature, current, 3);

        var expected = new double[binCount];
        Binning.Count(feature.Edges, current, expected);
        Assert.True(feature.Edges.Distinct().Count() < feature.Edges.Length, "expected duplicate edges");
        Assert.Equal(expected, target.Bins);
        Assert.Equal(current.Count(v => v < reference.Min() || v > reference.Max()), target.OutOfRange);
    }

    [Fact]
    public void Fill_FewerValuesThanTheCapacity_SampleHoldsEveryFiniteValueInOrder()
    {
        double[] values = [3, double.NaN, 1, double.PositiveInfinity, 2, 5];

        Assert.Equal([3.0, 1, 2, 5], Scan(values, 10, seed: 1));
    }

    [Fact]
    public void Fill_MoreValuesThanTheCapacity_SampleIsUniformOverPositionsAndReproducible()
    {
        const int n = 100_000;
        const int capacity = 1000;
        const int seeds = 100;
        double[] values = [.. Enumerable.Range(0, n).Select(i => (double)i)];

        // Buckets of positions, finer at the start: a sampler that skips too far keeps too many early values.
        int[] bounds = [1000, 2000, 5000, 10_000, 20_000, 40_000, 60_000, 80_000, n];
        var observed = new double[bounds.Length];
        for (ulong seed = 1; seed <= seeds; seed++)
        {
            double[] sample = Scan(values, capacity, seed);
            Assert.Equal(capacity, sample.Length);
            Assert.Equal(capacity, sample.Distinct().Count());
            foreach (double v in sample)
            {
                observed[Array.FindIndex(bounds, b => v < b)]++;
            }
        }

        // Each of the 100 000 draws lands in a bucket with probability width / n; the chi-square of a fair sampler
        // exceeds this bound with probability 1e-4 (samples without replacement only make it smaller).
        double statistic = 0;
        for (int i = 0; i < bounds.Length; i++)
        {
            double expected = seeds * capacity * (double)(bounds[i] - (i == 0 ? 0 : bounds[i - 1])) / n;
            statistic += (observed[i] - expected) * (observed[i] - expected) / expected;
        }

        Assert.True(ChiSquare.SurvivalFunction(statistic, bounds.Length - 1) > 1e-4, $"chi-square {statistic} over buckets {string.Join(", ", observed)}");
        Assert.Equal(Scan(values, capacity, seed: 3), Scan(values, capacity, seed: 3));
        Assert.NotEqual(Scan(values, capacity, seed: 3), Scan(values, capacity, seed: 4));
    }

    [Fact]
    public void CompareColumns_Psi_UsesTheBinCountsOfEveryCurrentValue()
    {
        double[] reference = Synthetic.Normal(5000, seed: 3);
        double[] current = Synthetic.Normal(50_000, seed: 4, mean: 0.1);
        ReferenceProfile profile = ReferenceProfile.FromColumns([new("x", reference)]);
        var options = new DriftOptions();
        options.Methods["x"] = DriftMethod.PopulationStabilityIndex;

        DriftReport report = DriftDetector.CompareColumns(profile, [new("x", current)], options: options);

        var counts = new double[profile.Features[0].BinCounts.Count];
        Binning.Count([.. profile.Features[0].BinEdges], current, counts);
        double expected = PopulationStabilityIndex.FromCounts([.. profile.Features[0].BinCounts.Select(c => (double)c)], counts);
        Assert.Equal(expected, report.Features[0].Statistic, 12);
        Assert.Equal(50_000, report.Features[0].CurrentCount);
    }

    [Fact]
    public void CompareColumns_SameColumnTwice_GivesTheSameSampledStatistic()
    {
        ReferenceProfile profile = ReferenceProfile.FromColumns([new("x", Synthetic.Normal(5000, seed: 5))]);
        double[] current = Synthetic.Normal(40_000, seed: 6);

        DriftReport first = DriftDetector.CompareColumns(profile, [new("x", current)]);
        DriftReport second = DriftDetector.CompareColumns(profile, [new("x", current)]);

        Assert.Equal(DriftMethod.Wasserstein, first.Features[0].Method);
        Assert.Equal(first.Features[0].Statistic, second.Features[0].Statistic);
        Assert.False(first.Features[0].Drifted);
    }
}
