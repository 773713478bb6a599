using System.Text.Json;
using MLOps.Monitoring.Statistics;
using MLOps.Monitoring.Statistics.Internal;
using Xunit.Abstractions;

namespace MLOps.Monitoring.Tests.Statistics;

public class KolmogorovSmirnovTests(ITestOutputHelper output)
{
    [Fact]
    public void TwoSample_SciPyVectors_MatchWithinTolerance()
    {
        var tolerance = new Tolerance();
        foreach (JsonElement c in VectorFile.Cases("ks_2samp"))
        {
            (double[] reference, double[] current) = VectorFile.Sample(c);

            TestResult result = KolmogorovSmirnov.TwoSample(reference, current);

            tolerance.AssertClose(c.Double("statistic"), result.Statistic, c.Name() + " D");
            tolerance.AssertClose(c.Double("pValue"), result.PValue, c.Name() + " p");
        }

        output.WriteLine(tolerance.ToString());
    }

    [Fact]
    public void TwoSample_SciPySweepOfSizesWithTies_MatchWithinTolerance()
    {
        var tolerance = new Tolerance();
        foreach (JsonElement c in VectorFile.Cases("ks_2samp_sweep"))
        {
            TestResult result = KolmogorovSmirnov.TwoSample(c.Doubles("reference"), c.Doubles("current"));

            tolerance.AssertClose(c.Double("statistic"), result.Statistic, c.Name() + " D");
            tolerance.AssertClose(c.Double("pValue"), result.PValue, c.Name() + " p");
        }

        output.WriteLine(tolerance.ToString());
    }

    [Fact]
    public void TwoSampleSorted_SciPyVectors_SameAsUnsorted()
    {
        foreach (JsonElement c in VectorFile.Cases("ks_2samp"))
        {
            (double[] reference, double[] current) = VectorFile.Sample(c);
            double[] sortedReference = [.. reference.Order()];
            double[] sortedCurrent = [.. current.Order()];

            Assert.Equal(KolmogorovSmirnov.TwoSample(reference, current), KolmogorovSmirnov.TwoSampleSorted(sortedReference, sortedCurrent));
        }
    }

    [Fact]
    public void KolmogorovDistribution_SciPyKstwoSurvival_MatchWithinTolerance()
    {
        var tolerance = new Tolerance();
        foreach (JsonElement c in VectorFile.Cases("kstwo_sf"))
        {
            long n = c.GetProperty("n").GetInt64();
            double x = c.Double("x");
            tolerance.AssertClose(c.Double("sf"), KolmogorovDistribution.TwoSidedSurvival(n, x), $"kstwo.sf({x:R}, {n})");
        }

        output.WriteLine(tolerance.ToString());
    }

    [Fact]
    public void KolmogorovDistribution_SciPySmirnov_MatchWithinTolerance()
    {
        var tolerance = new Tolerance();
        foreach (JsonElement c in VectorFile.Cases("smirnov"))
        {
            long n = c.GetProperty("n").GetInt64();
            double x = c.Double("x");
            tolerance.AssertClose(c.Double("sf"), KolmogorovDistribution.Smirnov(n, x), $"smirnov({n}, {x:R})");
        }

        output.WriteLine(tolerance.ToString());
    }

    [Fact]
    public void TwoSample_IdenticalSamples_StatisticZeroPValueOne()
    {
        double[] x = [1, 2, 2, 3, 5];

        Assert.Equal(new TestResult(0, 1), KolmogorovSmirnov.TwoSample(x, x));
    }

    [Fact]
    public void TwoSample_DoesNotModifyInputs()
    {
        double[] reference = [3, 1, 2];
        double[] current = [9, 0];

        KolmogorovSmirnov.TwoSample(reference, current);

        Assert.Equal([3, 1, 2], reference);
        Assert.Equal([9, 0], current);
    }

    [Fact]
    public void TwoSample_BadInput_ThrowsNamingTheParameter()
    {
        Assert.Equal("reference", Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.TwoSample([], [1.0])).ParamName);
        Assert.Equal("current", Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.TwoSample([1.0], [])).ParamName);
        Assert.Equal("reference", Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.TwoSample([double.NaN], [1.0])).ParamName);
        Assert.Equal("current", Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.TwoSample([1.0], [2.0, double.NaN])).ParamName);
    }

    [Fact]
    public void TwoSampleSorted_UnsortedOrNaN_ThrowsNamingTheParameter()
    {
        Assert.Equal("sortedReference", Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.TwoSampleSorted([2.0, 1.0], [1.0])).ParamName);
        Assert.Equal("sortedCurrent", Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.TwoSampleSorted([1.0], [1.0, double.NaN])).ParamName);
        Assert.Equal("sortedCurrent", Assert.Throws<ArgumentException>(() => KolmogorovSmirnov.TwoSampleSorted([1.0], [])).ParamName);
    }
}
