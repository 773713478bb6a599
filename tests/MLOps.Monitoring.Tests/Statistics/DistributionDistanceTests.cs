using System.Text.Json;
using MLOps.Monitoring.Statistics;
using Xunit.Abstractions;

namespace MLOps.Monitoring.Tests.Statistics;

public class DistributionDistanceTests(ITestOutputHelper output)
{
    [Fact]
    public void JensenShannon_SciPyVectors_MatchWithinTolerance()
    {
        var tolerance = new Tolerance();
        foreach (JsonElement c in VectorFile.Cases("jensenshannon"))
        {
            tolerance.AssertClose(c.Double("distance"), JensenShannon.Distance(c.Doubles("p"), c.Doubles("q")), c.Name());
        }

        output.WriteLine(tolerance.ToString());
    }

    [Fact]
    public void Hellinger_NumPyVectors_MatchWithinTolerance()
    {
        var tolerance = new Tolerance();
        foreach (JsonElement c in VectorFile.Cases("hellinger"))
        {
            tolerance.AssertClose(c.Double("distance"), Hellinger.Distance(c.Doubles("p"), c.Doubles("q")), c.Name());
        }

        output.WriteLine(tolerance.ToString());
    }

    [Fact]
    public void Distances_DisjointSupports_AreMaximal()
    {
        Assert.Equal(Math.Sqrt(Math.Log(2)), JensenShannon.Distance([1.0, 0.0], [0.0, 3.0]), 15);
        Assert.Equal(1.0, Hellinger.Distance([1.0, 0.0], [0.0, 3.0]), 15);
    }

    [Fact]
    public void Distances_BadInput_ThrowNamingTheParameter()
    {
        Assert.Equal("q", Assert.Throws<ArgumentException>(() => JensenShannon.Distance([0.5, 0.5], [1.0])).ParamName);
        Assert.Equal("p", Assert.Throws<ArgumentException>(() => JensenShannon.Distance([], [])).ParamName);
        Assert.Equal("p", Assert.Throws<ArgumentException>(() => JensenShannon.Distance([0.0, 0.0], [1.0, 0.0])).ParamName);
        Assert.Equal("q", Assert.Throws<ArgumentException>(() => JensenShannon.Distance([1.0, 0.0], [-1.0, 2.0])).ParamName);
        Assert.Equal("q", Assert.Throws<ArgumentException>(() => Hellinger.Distance([0.5, 0.5], [double.NaN, 1.0])).ParamName);
        Assert.Equal("q", Assert.Throws<ArgumentException>(() => Hellinger.Distance([0.5, 0.5], [1.0])).ParamName);
        Assert.Equal("p", Assert.Throws<ArgumentException>(() => Hellinger.Distance([], [])).ParamName);
    }
}
