using System.Text.Json;
using MLOps.Monitoring.Statistics;
using Xunit.Abstractions;

namespace MLOps.Monitoring.Tests.Statistics;

public class ChiSquareTests(ITestOutputHelper output)
{
    [Fact]
    public void GoodnessOfFit_SciPyVectors_MatchWithinTolerance()
    {
        var tolerance = new Tolerance();
        foreach (JsonElement c in VectorFile.Cases("chisquare"))
        {
            TestResult result = ChiSquare.GoodnessOfFit(c.Doubles("referenceCounts"), c.Doubles("currentCounts"));

            tolerance.AssertClose(c.Double("statistic"), result.Statistic, c.Name() + " statistic");
            tolerance.AssertClose(c.Double("pValue"), result.PValue, c.Name() + " p");
        }

        output.WriteLine(tolerance.ToString());
    }

    [Fact]
    public void GoodnessOfFit_CategoryEmptyOnBothSides_IsSkipped()
    {
        TestResult withEmpty = ChiSquare.GoodnessOfFit([10, 0, 30], [12, 0, 20]);
        TestResult without = ChiSquare.GoodnessOfFit([10, 30], [12, 20]);

        Assert.Equal(without, withEmpty);
    }

    [Fact]
    public void GoodnessOfFit_NewCategoryInCurrent_InfiniteStatisticZeroP()
    {
        Assert.Equal(new TestResult(double.PositiveInfinity, 0), ChiSquare.GoodnessOfFit([10, 0, 30], [12, 1, 20]));
    }

    [Fact]
    public void GoodnessOfFit_SingleCategory_NoEvidence()
    {
        Assert.Equal(new TestResult(0, 1), ChiSquare.GoodnessOfFit([10, 0], [3, 0]));
    }

    [Fact]
    public void GoodnessOfFit_BadInput_ThrowsNamingTheParameter()
    {
        Assert.Equal("referenceCounts", Assert.Throws<ArgumentException>(() => ChiSquare.GoodnessOfFit([], [])).ParamName);
        Assert.Equal("currentCounts", Assert.Throws<ArgumentException>(() => ChiSquare.GoodnessOfFit([1.0, 2.0], [1.0])).ParamName);
        Assert.Equal("referenceCounts", Assert.Throws<ArgumentException>(() => ChiSquare.GoodnessOfFit([-1.0, 2.0], [1.0, 1.0])).ParamName);
        Assert.Equal("currentCounts", Assert.Throws<ArgumentException>(() => ChiSquare.GoodnessOfFit([1.0, 2.0], [double.NaN, 1.0])).ParamName);
        Assert.Equal("currentCounts", Assert.Throws<ArgumentException>(() => ChiSquare.GoodnessOfFit([1.0, 2.0], [0.0, 0.0])).ParamName);
        Assert.Equal("referenceCounts", Assert.Throws<ArgumentException>(() => ChiSquare.GoodnessOfFit([0.0, 0.0], [1.0, 1.0])).ParamName);
    }
}
