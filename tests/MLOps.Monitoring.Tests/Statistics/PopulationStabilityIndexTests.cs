using System.Text.Json;
using MLOps.Monitoring.Statistics;
using Xunit.Abstractions;

namespace MLOps.Monitoring.Tests.Statistics;

public class PopulationStabilityIndexTests(ITestOutputHelper output)
{
    [Fact]
    public void Compute_NumPyVectors_MatchWithinTolerance()
    {
        var tolerance = new Tolerance();
        foreach (JsonElement c in VectorFile.Cases("psi"))
        {
            tolerance.AssertClose(c.Double("psi"), PopulationStabilityIndex.Compute(c.Doubles("referenceShares"), c.Doubles("currentShares")), c.Name());
            tolerance.AssertClose(c.Double("psiFromCounts"), PopulationStabilityIndex.FromCounts(c.Doubles("referenceCounts"), c.Doubles("currentCounts")), c.Name() + " counts");
        }

        output.WriteLine(tolerance.ToString());
    }

    [Fact]
    public void Compute_EmptyShare_ReplacedByOneInTenThousand()
    {
        double psi = PopulationStabilityIndex.Compute([0.5, 0.5, 0.0], [0.5, 0.25, 0.25]);

        double expected = (0.25 * Math.Log(2)) + ((PopulationStabilityIndex.EmptyShare - 0.25) * Math.Log(PopulationStabilityIndex.EmptyShare / 0.25));
        Assert.Equal(expected, psi, 15);
        Assert.Equal(0, PopulationStabilityIndex.Compute([0.5, 0.5, 0.0], [0.5, 0.5, 0.0]));
    }

    [Fact]
    public void Compute_BadInput_ThrowsNamingTheParameter()
    {
        Assert.Equal("currentShares", Assert.Throws<ArgumentException>(() => PopulationStabilityIndex.Compute([0.5, 0.5], [1.0])).ParamName);
        Assert.Equal("referenceShares", Assert.Throws<ArgumentException>(() => PopulationStabilityIndex.Compute([], [])).ParamName);
        Assert.Equal("referenceShares", Assert.Throws<ArgumentException>(() => PopulationStabilityIndex.Compute([-0.5, 1.5], [0.5, 0.5])).ParamName);
        Assert.Equal("currentShares", Assert.Throws<ArgumentException>(() => PopulationStabilityIndex.Compute([0.5, 0.5], [double.NaN, 0.5])).ParamName);
        Assert.Equal("currentCounts", Assert.Throws<ArgumentException>(() => PopulationStabilityIndex.FromCounts([1.0, 2.0], [0.0, 0.0])).ParamName);
        Assert.Equal("referenceCounts", Assert.Throws<ArgumentException>(() => PopulationStabilityIndex.FromCounts([-1.0, 2.0], [1.0, 1.0])).ParamName);
    }
}
