using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Drift.Internal;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Statistics;

namespace MLOps.Monitoring.Tests.Drift;

/// <summary>The online window's per-feature counters: bins, data-quality counts and the reservoir sample.</summary>
public class PaneFeatureTests
{
    [Fact]
    public void FindOpenBin_RandomValuesAndTiedEdges_SameBinAsFindBin()
    {
        var random = new Random(3);
        double[][] edgeSets =
        [
            Binning.QuantileEdges([.. Enumerable.Range(0, 1000).Select(_ => random.NextDouble())]),
            Binning.QuantileEdges([1, 1, 1, 1, 1, 1, 2, 3, 4, 5], 7),
            [double.NegativeInfinity, double.PositiveInfinity],
            [double.NegativeInfinity, 0, double.PositiveInfinity],
            [double.NegativeInfinity, 2, 2, 2, 3, double.PositiveInfinity],
        ];
        double[] spread = [.. Enumerable.Range(0, 2000).Select(_ => (random.NextDouble() * 6) - 1)];
        foreach (int bins in new[] { 2, 3, 4, 5, 6, 7, 9, 33, 64, 65, 66, 100, 257 })
        {
            // Both code paths: vector counts up to 64 inner edges (full and partial last vector), binary search above.
            edgeSets = [.. edgeSets, Binning.QuantileEdges(spread, bins)];
        }

        int probes = 0;
        foreach (double[] edges in edgeSets)
        {
            double[] finiteEdges = [.. edges.Where(double.IsFinite)];
            IEnumerable<double> values = Enumerable.Range(0, 500).Select(_ => (random.NextDouble() * 8) - 2)
                .Concat(finiteEdges)
                .Concat([double.MaxValue, double.MinValue, -0.0, double.Epsilon]);
            foreach (double value in values)
            {
                Assert.Equal(Binning.FindBin(edges, value), Binning.FindOpenBin(edges, value));
                probes++;
            }
        }

        Assert.True(probes > 8000);
    }

    [Fact]
    public void FindExact_DistinctValues_IndexOrMinusOne()
    {
        double[] distinct = [-3, 0, 1.5, 2, 7, 1e300];
        for (int i = 0; i < distinct.Length; i++)
        {
            Assert.Equal(i, Binning.FindExact(distinct, distinct[i]));
        }

        foreach (double absent in new[] { -4, -1, 1, 1.75, 3, 8, double.MaxValue, 1e-300 })
        {
            Assert.Equal(-1, Binning.FindExact(distinct, absent));
        }

        for (int length = 1; length <= 70; length++)
        {
            double[] values = [.. Enumerable.Range(0, length).Select(i => i * 2.0)];
            for (int i = 0; i < length; i++)
            {
                Assert.Equal(i, Binning.FindExact(values, i * 2.0));
                Assert.Equal(-1, Binning.FindExact(values, (i * 2.0) + 1));
            }

            Assert.Equal(-1, Binning.FindExact(values, -1));
        }

        Assert.Equal(0, Binning.FindExact([5.0], 5));
        Assert.Equal(-1, Binning.FindExact([5.0], 4));
        Assert.Equal(-1, Binning.FindExact([], 4));
    }

    [Fact]
    public void AddNumber_LongStream_ReservoirKeepsEveryPositionEquallyOften()
    {
        // 400 independent reservoirs of 100 over the stream 0..9999: each value is kept with probability 1/100, so
        // each tenth of the stream holds 10 % of the 40,000 sampled values. Chi-square over the 10 tenths (9 df).
        const int Capacity = 100;
        const int Stream = 10_000;
        CompiledFeature feature = NumericFeature();
        var perTenth = new double[10];
        for (ulong seed = 1; seed <= 400; seed++)
        {
            var pane = new PaneFeature(feature, Capacity, seed * 7919);
            for (int i = 0; i < Stream; i++)
            {
                pane.AddNumber(i);
            }

            Assert.Equal(Capacity, pane.SampleCount);
            Assert.Equal(Capacity, pane.Sample.Distinct().Count());
            foreach (double kept in pane.Sample)
            {
                perTenth[(int)kept / (Stream / 10)]++;
            }
        }

        double[] expected = [.. Enumerable.Repeat(40_000 / 10.0, 10)];
        TestResult result = ChiSquare.GoodnessOfFit(expected, perTenth);
        Assert.True(result.PValue > 0.001, $"positions are not uniform: chi2 = {result.Statistic}, p = {result.PValue}, counts {string.Join(", ", perTenth)}");
        Assert.InRange(perTenth[9], 3_600, 4_400);   // the stream's end is sampled as often as its start
    }

    [Fact]
    public void AddNumber_SameSeed_SameSample_AndResetStartsOver()
    {
        CompiledFeature feature = NumericFeature();
        var a = new PaneFeature(feature, 50, 42);
        var b = new PaneFeature(feature, 50, 42);
        for (int i = 0; i < 5000; i++)
        {
            a.AddNumber(i);
            b.AddNumber(i);
        }

        Assert.Equal(a.Sample, b.Sample);
        Assert.Contains(a.Sample, v => v >= 50);

        a.Reset();
        for (int i = 0; i < 30; i++)
        {
            a.AddNumber(-i);
        }

        Assert.Equal(30, a.SampleCount);
        Assert.Equal(30, a.Seen);
        Assert.Equal([.. Enumerable.Range(0, 30).Select(i => (double)-i)], a.Sample.Take(30));
    }

    [Fact]
    public void AddNumber_NaNInfinityAndOutOfRange_CountedSeparatelyNotBinned()
    {
        CompiledFeature feature = NumericFeature();
        var pane = new PaneFeature(feature, 10, 1);

        pane.AddNumber(double.NaN);
        pane.AddNumber(double.PositiveInfinity);
        pane.AddNumber(double.NegativeInfinity);
        pane.AddNumber(feature.Max + 1);
        pane.AddNumber(feature.Min);

        Assert.Equal(1, pane.Missing);
        Assert.Equal(2, pane.Infinity);
        Assert.Equal(2, pane.Count);
        Assert.Equal(1, pane.OutOfRange);
        Assert.Equal(2, pane.Bins.Sum());
        Assert.Equal(1, pane.Bins[0]);
        Assert.Equal(1, pane.Bins[^1]);
        Assert.Equal(2, pane.SampleCount);
    }

    [Fact]
    public void AddNumber_ZeroCapacity_CountsWithoutSampling()
    {
        var pane = new PaneFeature(NumericFeature(), 0, 1);
        for (int i = 0; i < 1000; i++)
        {
            pane.AddNumber(i % 100);
        }

        Assert.Equal(1000, pane.Count);
        Assert.Equal(0, pane.SampleCount);
        Assert.Equal(1000, pane.Bins.Sum());
    }

    private static CompiledFeature NumericFeature()
    {
        ReferenceProfile profile = ReferenceProfile.FromColumns([new("x", [.. Enumerable.Range(0, 100).Select(i => (double)i)])]);
        return new CompiledReference(profile, new DriftOptions()).Features[0];
    }
}
