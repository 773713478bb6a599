using System.Text.Json;
using MLOps.Monitoring.Statistics;
using Xunit.Abstractions;

namespace MLOps.Monitoring.Tests.Statistics;

public class SampleRatioMismatchTests(ITestOutputHelper output)
{
    [Fact]
    public void Test_SciPyChiSquareVectors_MatchWithinTolerance()
    {
        var tolerance = new Tolerance();
        foreach (JsonElement c in VectorFile.Cases("srm"))
        {
            long[] counts = c.GetProperty("counts").EnumerateArray().Select(e => e.GetInt64()).ToArray();

            SampleRatioMismatchResult result = SampleRatioMismatch.Test(counts, c.Doubles("weights"));

            tolerance.AssertClose(c.Double("statistic"), result.Statistic, c.Name() + " statistic");
            tolerance.AssertClose(c.Double("pValue"), result.PValue, c.Name() + " p");
            Assert.Equal(c.GetProperty("isMismatch").GetBoolean(), result.IsMismatch);
        }

        output.WriteLine(tolerance.ToString());
    }

    [Fact]
    public void Test_PercentAndFractionWeights_SameResult()
    {
        Assert.Equal(SampleRatioMismatch.Test([9100, 900], [90, 10]), SampleRatioMismatch.Test([9100, 900], [0.9, 0.1]));
    }

    [Fact]
    public void Test_Threshold_DecidesTheMismatch()
    {
        SampleRatioMismatchResult result = SampleRatioMismatch.Test([5100, 4900], [50, 50]);

        Assert.InRange(result.PValue, 0.01, 0.1);
        Assert.False(result.IsMismatch);
        Assert.True(SampleRatioMismatch.Test([5100, 4900], [50, 50], threshold: 0.1).IsMismatch);
    }

    [Fact]
    public void Test_BadInput_ThrowsNamingTheParameter()
    {
        Assert.Equal("counts", Assert.Throws<ArgumentException>(() => SampleRatioMismatch.Test([1, 2], [1.0])).ParamName);
        Assert.Equal("counts", Assert.Throws<ArgumentException>(() => SampleRatioMismatch.Test([1, -2], [1.0, 1.0])).ParamName);
        Assert.Equal("weights", Assert.Throws<ArgumentException>(() => SampleRatioMismatch.Test([1, 2], [1.0, -1.0])).ParamName);
        Assert.Equal("weights", Assert.Throws<ArgumentException>(() => SampleRatioMismatch.Test([1, 2], [0.0, 0.0])).ParamName);
        Assert.Equal("weights", Assert.Throws<ArgumentException>(() => SampleRatioMismatch.Test([1, 2], [double.NaN, 1.0])).ParamName);
        Assert.Equal("weights", Assert.Throws<ArgumentException>(() => SampleRatioMismatch.Test([], [])).ParamName);
        Assert.Equal("threshold", Assert.Throws<ArgumentOutOfRangeException>(() => SampleRatioMismatch.Test([1, 2], [1.0, 1.0], 0)).ParamName);
    }
}
