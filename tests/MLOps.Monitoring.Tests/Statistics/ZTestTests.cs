using System.Text.Json;
using MLOps.Monitoring.Statistics;
using Xunit.Abstractions;

namespace MLOps.Monitoring.Tests.Statistics;

public class ZTestTests(ITestOutputHelper output)
{
    [Fact]
    public void TwoProportions_SciPyVectors_MatchWithinTolerance()
    {
        var tolerance = new Tolerance();
        foreach (JsonElement c in VectorFile.Cases("ztest"))
        {
            TestResult result = ZTest.TwoProportions(
                c.GetProperty("referenceSuccesses").GetInt64(), c.GetProperty("referenceTotal").GetInt64(),
                c.GetProperty("currentSuccesses").GetInt64(), c.GetProperty("currentTotal").GetInt64());

            tolerance.AssertClose(c.Double("statistic"), result.Statistic, c.Name() + " z");
            tolerance.AssertClose(c.Double("pValue"), result.PValue, c.Name() + " p");
        }

        output.WriteLine(tolerance.ToString());
    }

    [Fact]
    public void TwoProportions_HigherCurrentRate_PositiveZ()
    {
        Assert.True(ZTest.TwoProportions(100, 1000, 200, 1000).Statistic > 0);
    }

    [Fact]
    public void TwoProportions_BadCounts_ThrowNamingTheParameter()
    {
        Assert.Equal("referenceTotal", Assert.Throws<ArgumentOutOfRangeException>(() => ZTest.TwoProportions(0, 0, 1, 2)).ParamName);
        Assert.Equal("currentTotal", Assert.Throws<ArgumentOutOfRangeException>(() => ZTest.TwoProportions(0, 1, 0, -2)).ParamName);
        Assert.Equal("referenceSuccesses", Assert.Throws<ArgumentOutOfRangeException>(() => ZTest.TwoProportions(-1, 1, 0, 2)).ParamName);
        Assert.Equal("currentSuccesses", Assert.Throws<ArgumentOutOfRangeException>(() => ZTest.TwoProportions(0, 1, 3, 2)).ParamName);
    }
}
