using MLOps.Monitoring.Profiles.Internal;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Statistics;
using MLOps.Monitoring.Tests.Support;

namespace MLOps.Monitoring.Tests.Profiles;

public class OrderStatisticsTests
{
    public static TheoryData<string> Shapes => ["random", "ties", "equal", "ascending", "descending", "organ"];

    private static double[] Data(string shape, int n, Random random) => shape switch
    {
        "random" => [.. Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5)],
        "ties" => [.. Enumerable.Range(0, n).Select(_ => (double)random.Next(5))],
        "equal" => [.. Enumerable.Repeat(3.0, n)],
        "ascending" => [.. Enumerable.Range(0, n).Select(i => (double)i)],
        "descending" => [.. Enumerable.Range(0, n).Select(i => (double)-i)],
        _ => [.. Enumerable.Range(0, n).Select(i => (double)Math.Min(i, n - i))],
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Select_AnyRanks_PutsTheSortedValuesAtThoseRanks(string shape)
    {
        var random = new Random(shape.Length);
        foreach (int n in (int[])[1, 2, 3, 5, 31, 32, 33, 100, 1000, 20_000])
        {
            for (int trial = 0; trial < 5; trial++)
            {
                double[] data = Data(shape, n, random);
                double[] sorted = [.. data.Order()];
                int[] ranks = [.. Enumerable.Range(0, n).Where(_ => random.Next(n) < 18).Append(0).Append(n - 1).Distinct().Order()];

                OrderStatistics.Select(data, ranks);

                Assert.All(ranks, k => Assert.Equal(sorted[k], data[k]));
                Assert.Equal(sorted, data.Order());   // a permutation of the input
            }
        }
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 10)]
    [InlineData(11, 10)]
    [InlineData(1000, 10)]
    [InlineData(5000, 7)]
    [InlineData(5000, 100)]
    public void Numeric_EdgesAndCounts_AreTheKernelsQuantileEdgesAndHistogram(int n, int bins)
    {
        double[] values = [.. Synthetic.Normal(n, seed: n + bins).Select((v, i) => i % 3 == 0 ? Math.Round(v) : v)];

        FeatureProfile profile = ReferenceProfile.FromColumns([new("x", values)], options: new ProfileOptions { BinCount = bins }).Features[0];

        double[] edges = Binning.QuantileEdges(values, bins);
        var counts = new double[bins];
        Binning.Count(edges, values, counts);
        Assert.Equal(edges, profile.BinEdges);
        Assert.Equal(counts.Select(c => (long)c), profile.BinCounts);
        Assert.Equal(values.Min(), profile.Min);
        Assert.Equal(values.Max(), profile.Max);
    }

    [Fact]
    public void Numeric_FewDistinctValues_CountsThemAscending()
    {
        double[] values = [3, 1, 2, 3, 3, double.NaN, 1, -0.5];

        FeatureProfile profile = ReferenceProfile.FromColumns([new("x", values)]).Features[0];

        Assert.Equal([-0.5, 1, 2, 3], profile.DistinctValues);
        Assert.Equal([1L, 2, 1, 3], profile.DistinctCounts);
        Assert.Null(ReferenceProfile.FromColumns([new("x", [.. Enumerable.Range(0, 21).Select(i => (double)i)])]).Features[0].DistinctValues);
        Assert.NotNull(ReferenceProfile.FromColumns([new("x", [.. Enumerable.Range(0, 20).Select(i => (double)i)])]).Features[0].DistinctValues);
    }
}
