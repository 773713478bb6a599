using System.Text.Json;
using MLOps.Monitoring.Statistics;
using Xunit.Abstractions;

namespace MLOps.Monitoring.Tests.Statistics;

public class BinningTests(ITestOutputHelper output)
{
    [Fact]
    public void QuantileEdges_NumPyVectors_MatchEdgesAndCounts()
    {
        var tolerance = new Tolerance();
        int binnings = 0;
        foreach (JsonElement c in VectorFile.Cases("binning_quantile_edges"))
        {
            (double[] reference, double[] current) = VectorFile.Sample(c);
            foreach (JsonElement b in c.GetProperty("binnings").EnumerateArray())
            {
                int binCount = b.GetProperty("binCount").GetInt32();
                string context = $"{c.Name()} bins={binCount}";

                double[] edges = Binning.QuantileEdges(reference, binCount);

                tolerance.AssertAllClose(b.Doubles("edges"), edges, context + " edges");
                AssertCounts(b.Doubles("referenceCounts"), edges, reference, context + " reference");
                AssertCounts(b.Doubles("currentCounts"), edges, current, context + " current");
                binnings++;
            }
        }

        output.WriteLine($"{binnings} binnings: {tolerance}");
    }

    [Fact]
    public void SturgesEdges_NumPyVectors_MatchEdgesAndCounts()
    {
        var tolerance = new Tolerance();
        foreach (JsonElement c in VectorFile.Cases("binning_sturges_edges"))
        {
            (double[] reference, double[] current) = VectorFile.Sample(c);

            double[] edges = Binning.SturgesEdges(reference, current);

            tolerance.AssertAllClose(c.Doubles("edges"), edges, c.Name() + " edges");
            AssertCounts(c.Doubles("referenceCounts"), edges, reference, c.Name() + " reference");
            AssertCounts(c.Doubles("currentCounts"), edges, current, c.Name() + " current");
        }

        output.WriteLine(tolerance.ToString());
    }

    [Fact]
    public void FindBin_NumPyHistogramOfOneValue_SameBin()
    {
        int probes = 0;
        foreach (JsonElement c in VectorFile.Cases("binning_find_bin"))
        {
            double[] edges = c.Doubles("edges");
            double[] values = c.Doubles("values");
            int[] bins = c.GetProperty("bins").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            for (int i = 0; i < values.Length; i++)
            {
                Assert.True(bins[i] == Binning.FindBin(edges, values[i]), $"{c.Name()} value {values[i]:R}: expected bin {bins[i]}");
                probes++;
            }
        }

        Assert.True(probes > 50);
    }

    [Fact]
    public void QuantileEdges_TiedReference_KeepsDuplicateEdgesAndOpenOuterBins()
    {
        double[] reference = [1, 1, 1, 1, 1, 1, 2, 3, 4, 5];

        double[] edges = Binning.QuantileEdges(reference, 4);

        Assert.Equal([double.NegativeInfinity, 1, 1, 2.75, double.PositiveInfinity], edges);
        var counts = new double[4];
        Binning.Count(edges, reference, counts);
        Assert.Equal([0, 0, 7, 3], counts); // [1, 1) is empty: the tied value lands in the bin starting at 1.
        Assert.Equal(0, Binning.FindBin(edges, -1e308));
        Assert.Equal(3, Binning.FindBin(edges, double.PositiveInfinity));
    }

    [Fact]
    public void QuantileEdges_SingleValue_AllInnerEdgesEqualTheValue()
    {
        Assert.Equal([double.NegativeInfinity, 7, 7, double.PositiveInfinity], Binning.QuantileEdges([7.0], 3));
        Assert.Equal([double.NegativeInfinity, double.PositiveInfinity], Binning.QuantileEdges([7.0], 1));
    }

    [Fact]
    public void SturgesEdges_ConstantData_OneUnitWideBin()
    {
        Assert.Equal([2.5, 3.5], Binning.SturgesEdges([3.0, 3.0], [3.0]));
    }

    [Fact]
    public void Count_ValuesOutsideFiniteEdges_AreNotCounted()
    {
        var counts = new double[2];

        Binning.Count([0.0, 1.0, 2.0], [-0.5, 0, 0.5, 1, 2, 2.5], counts);

        Assert.Equal([2, 2], counts);
    }

    [Fact]
    public void QuantileEdges_EmptyOrNonFinite_ThrowsNamingReference()
    {
        Assert.Equal("reference", Assert.Throws<ArgumentException>(() => Binning.QuantileEdges([])).ParamName);
        Assert.Equal("reference", Assert.Throws<ArgumentException>(() => Binning.QuantileEdges([1, double.NaN])).ParamName);
        Assert.Equal("reference", Assert.Throws<ArgumentException>(() => Binning.QuantileEdges([1, double.PositiveInfinity])).ParamName);
        Assert.Equal("binCount", Assert.Throws<ArgumentOutOfRangeException>(() => Binning.QuantileEdges([1.0], 0)).ParamName);
    }

    [Fact]
    public void SturgesEdges_EmptyOrNaN_ThrowsNamingTheSample()
    {
        Assert.Equal("reference", Assert.Throws<ArgumentException>(() => Binning.SturgesEdges([], [1.0])).ParamName);
        Assert.Equal("current", Assert.Throws<ArgumentException>(() => Binning.SturgesEdges([1.0], [])).ParamName);
        Assert.Equal("current", Assert.Throws<ArgumentException>(() => Binning.SturgesEdges([1.0], [double.NaN])).ParamName);
    }

    [Fact]
    public void FindBin_BadArguments_Throw()
    {
        Assert.Equal("edges", Assert.Throws<ArgumentException>(() => Binning.FindBin([1.0], 1)).ParamName);
        Assert.Equal("value", Assert.Throws<ArgumentException>(() => Binning.FindBin([0.0, 1.0], double.NaN)).ParamName);
    }

    [Fact]
    public void Count_BadArguments_Throw()
    {
        var counts = new double[2];
        Assert.Equal("counts", Assert.Throws<ArgumentException>(() => Binning.Count([0.0, 1.0], [0.5], counts)).ParamName);
        Assert.Equal("edges", Assert.Throws<ArgumentException>(() => Binning.Count([0.0, 2.0, 1.0], [0.5], counts)).ParamName);
        Assert.Equal("edges", Assert.Throws<ArgumentException>(() => Binning.Count([0.0, double.NaN, 1.0], [0.5], counts)).ParamName);
        Assert.Equal("values", Assert.Throws<ArgumentException>(() => Binning.Count([0.0, 1.0, 2.0], [double.NaN], counts)).ParamName);
    }

    private static void AssertCounts(double[] expected, double[] edges, double[] values, string context)
    {
        var counts = new double[edges.Length - 1];
        Binning.Count(edges, values, counts);
        Assert.True(expected.SequenceEqual(counts), $"{context}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", counts)}]");
    }
}
