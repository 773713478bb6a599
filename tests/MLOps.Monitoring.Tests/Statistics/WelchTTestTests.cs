using System.Text.Json;
using MLOps.Monitoring.Statistics;
using Xunit.Abstractions;

namespace MLOps.Monitoring.Tests.Statistics;

public class WelchTTestTests(ITestOutputHelper output)
{
    [Fact]
    public void TwoSampleAndFromMoments_SciPyVectors_MatchWithinTolerance()
    {
        var tolerance = new Tolerance();
        double worstScipyInterval = 0;
        foreach (JsonElement c in VectorFile.Cases("welch"))
        {
            bool fromStats = c.TryGetProperty("controlCount", out _);
            foreach (JsonElement interval in c.GetProperty("intervals").EnumerateArray())
            {
                double level = interval.Double("confidenceLevel");
                WelchTestResult result = fromStats
                    ? WelchTTest.FromMoments(
                        SampleMoments.FromSummary(c.GetProperty("controlCount").GetInt64(), c.Double("controlMean"), c.Double("controlVariance")),
                        SampleMoments.FromSummary(c.GetProperty("treatmentCount").GetInt64(), c.Double("treatmentMean"), c.Double("treatmentVariance")),
                        level)
                    : WelchTTest.TwoSample(c.Doubles("control"), c.Doubles("treatment"), level);
                string context = $"{c.Name()}@{level}";

                tolerance.AssertClose(c.Double("statistic"), result.Statistic, context + " t");
                tolerance.AssertClose(c.Double("df"), result.DegreesOfFreedom, context + " df");
                tolerance.AssertClose(c.Double("pValue"), result.PValue, context + " p");
                tolerance.AssertClose(c.Double("pExact"), result.PValue, context + " p (mpmath)");
                tolerance.AssertClose(c.Double("difference"), result.Difference, context + " difference");
                tolerance.AssertClose(interval.Double("lower"), result.Interval.Lower, context + " lower");
                tolerance.AssertClose(interval.Double("upper"), result.Interval.Upper, context + " upper");
                worstScipyInterval = Math.Max(worstScipyInterval, RelativeDifference(interval.Double("scipyLower"), result.Interval.Lower));
                worstScipyInterval = Math.Max(worstScipyInterval, RelativeDifference(interval.Double("scipyUpper"), result.Interval.Upper));
            }
        }

        // SciPy 1.10's stdtrit stops its search at 1e-8 relative; the exact quantile is within that of it.
        Assert.True(worstScipyInterval < 1e-8, $"interval vs SciPy 1.10 stdtrit: {worstScipyInterval:E3}");
        output.WriteLine(tolerance.ToString());
        output.WriteLine($"interval vs SciPy 1.10's stdtrit-based interval: max relative difference {worstScipyInterval:E3}");
    }

    [Fact]
    public void TwoSample_SwappedArms_NegatesStatisticAndInterval()
    {
        double[] a = [1.2, 3.4, 2.2, 5.1, 0.3];
        double[] b = [2.0, 2.5, 7.5, 4.0];

        WelchTestResult ab = WelchTTest.TwoSample(a, b);
        WelchTestResult ba = WelchTTest.TwoSample(b, a);

        Assert.Equal(-ab.Statistic, ba.Statistic, 14);
        Assert.Equal(ab.PValue, ba.PValue, 14);
        Assert.Equal(-ab.Interval.Upper, ba.Interval.Lower, 12);
        Assert.True(ab.Interval.Contains(ab.Difference));
    }

    [Fact]
    public void FromMoments_AccumulatedMoments_EqualTwoSample()
    {
        double[] control = [0.5, 1.5, 2.5, 3.25, -1];
        double[] treatment = [4, 4.5, 3.75];
        SampleMoments c = default, t = default;
        foreach (double v in control)
        {
            c.Add(v);
        }

        foreach (double v in treatment)
        {
            t.Add(v);
        }

        WelchTestResult streamed = WelchTTest.FromMoments(c, t, 0.9);
        WelchTestResult batch = WelchTTest.TwoSample(control, treatment, 0.9);

        Assert.Equal(batch.Statistic, streamed.Statistic, 12);
        Assert.Equal(batch.Interval.Lower, streamed.Interval.Lower, 12);
    }

    [Fact]
    public void TwoSample_BothArmsConstant_DocumentedDegenerateResults()
    {
        Assert.Equal(new WelchTestResult(0, 1, 1, 0, new ConfidenceInterval(0, 0)), WelchTTest.TwoSample([2.0, 2.0], [2.0, 2.0, 2.0]));
        Assert.Equal(
            new WelchTestResult(double.NegativeInfinity, 1, 0, -1, new ConfidenceInterval(-1, -1)),
            WelchTTest.TwoSample([3.0, 3.0], [2.0, 2.0, 2.0]));
    }

    [Fact]
    public void TwoSample_BadInput_ThrowsNamingTheParameter()
    {
        Assert.Equal("control", Assert.Throws<ArgumentException>(() => WelchTTest.TwoSample([1.0], [1.0, 2.0])).ParamName);
        Assert.Equal("treatment", Assert.Throws<ArgumentException>(() => WelchTTest.TwoSample([1.0, 2.0], [])).ParamName);
        Assert.Equal("control", Assert.Throws<ArgumentException>(() => WelchTTest.TwoSample([1.0, double.NaN], [1.0, 2.0])).ParamName);
        Assert.Equal("treatment", Assert.Throws<ArgumentException>(() => WelchTTest.TwoSample([1.0, 2.0], [1.0, double.PositiveInfinity])).ParamName);
        Assert.Equal("confidenceLevel", Assert.Throws<ArgumentOutOfRangeException>(() => WelchTTest.TwoSample([1.0, 2.0], [1.0, 3.0], 1.0)).ParamName);
        Assert.Equal("confidenceLevel", Assert.Throws<ArgumentOutOfRangeException>(() => WelchTTest.TwoSample([1.0, 2.0], [1.0, 3.0], double.NaN)).ParamName);
        Assert.Equal("treatment", Assert.Throws<ArgumentException>(() => WelchTTest.FromMoments(SampleMoments.FromSummary(5, 1, 1), SampleMoments.FromSummary(1, 1, 0))).ParamName);
    }

    private static double RelativeDifference(double expected, double actual) =>
        Math.Abs(expected) < Tolerance.SmallValue ? 0 : Math.Abs(actual - expected) / Math.Abs(expected);
}
