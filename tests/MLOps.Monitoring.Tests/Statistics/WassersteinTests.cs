using System.Text.Json;
using MLOps.Monitoring.Statistics;
using Xunit.Abstractions;

namespace MLOps.Monitoring.Tests.Statistics;

public class WassersteinTests(ITestOutputHelper output)
{
    [Fact]
    public void Distance_SciPyVectors_MatchWithinTolerance()
    {
        var tolerance = new Tolerance();
        foreach (JsonElement c in VectorFile.Cases("wasserstein"))
        {
            (double[] reference, double[] current) = VectorFile.Sample(c);

            tolerance.AssertClose(c.Double("distance"), Wasserstein.Distance(reference, current), c.Name());
            tolerance.AssertClose(c.Double("normed"), Wasserstein.NormedDistance(reference, current), c.Name() + " normed");
            tolerance.AssertClose(c.Double("distance"), Wasserstein.DistanceSorted([.. reference.Order()], [.. current.Order()]), c.Name() + " sorted");
        }

        output.WriteLine(tolerance.ToString());
    }

    [Fact]
    public void Distance_DoesNotModifyInputs()
    {
        double[] u = [3, 1, 2];
        double[] v = [0, 5];

        Wasserstein.Distance(u, v);

        Assert.Equal([3, 1, 2], u);
        Assert.Equal([0, 5], v);
    }

    [Fact]
    public void NormedDistance_ConstantReference_UsesMinimumScale()
    {
        Assert.Equal(1.0 / Wasserstein.MinimumScale, Wasserstein.NormedDistance([2.0, 2.0], [3.0]), 9);
    }

    [Fact]
    public void Distance_BadInput_ThrowsNamingTheParameter()
    {
        Assert.Equal("u", Assert.Throws<ArgumentException>(() => Wasserstein.Distance([], [1.0])).ParamName);
        Assert.Equal("v", Assert.Throws<ArgumentException>(() => Wasserstein.Distance([1.0], [double.NaN])).ParamName);
        Assert.Equal("v", Assert.Throws<ArgumentException>(() => Wasserstein.Distance([1.0], [double.NegativeInfinity])).ParamName);
        Assert.Equal("reference", Assert.Throws<ArgumentException>(() => Wasserstein.NormedDistance([], [1.0])).ParamName);
        Assert.Equal("sortedU", Assert.Throws<ArgumentException>(() => Wasserstein.DistanceSorted([2.0, 1.0], [1.0])).ParamName);
        Assert.Equal("sortedV", Assert.Throws<ArgumentException>(() => Wasserstein.DistanceSorted([1.0], [double.NaN])).ParamName);
    }
}
