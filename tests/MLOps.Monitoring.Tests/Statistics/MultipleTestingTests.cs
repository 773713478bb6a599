using System.Text.Json;
using MLOps.Monitoring.Statistics;
using Xunit.Abstractions;

namespace MLOps.Monitoring.Tests.Statistics;

public class MultipleTestingTests(ITestOutputHelper output)
{
    [Fact]
    public void Corrections_NumPyVectors_MatchWithinTolerance()
    {
        var tolerance = new Tolerance();
        foreach (JsonElement c in VectorFile.Cases("multiple_testing"))
        {
            double[] p = c.Doubles("pValues");
            var adjusted = new double[p.Length];

            MultipleTesting.Bonferroni(p, adjusted);
            tolerance.AssertAllClose(c.Doubles("bonferroni"), adjusted, c.Name() + " bonferroni");

            MultipleTesting.BenjaminiHochberg(p, adjusted);
            tolerance.AssertAllClose(c.Doubles("benjaminiHochberg"), adjusted, c.Name() + " bh");
        }

        output.WriteLine(tolerance.ToString());
    }

    [Fact]
    public void BenjaminiHochberg_InPlace_SameAsSeparateOutput()
    {
        double[] p = [0.5, 0.001, 0.2, 0.04, 0.9, 0.03];
        var expected = new double[p.Length];
        MultipleTesting.BenjaminiHochberg(p, expected);

        MultipleTesting.BenjaminiHochberg(p, p);

        Assert.Equal(expected, p);
    }

    [Fact]
    public void Corrections_BadInput_ThrowNamingTheParameter()
    {
        var adjusted = new double[2];
        Assert.Equal("pValues", Assert.Throws<ArgumentException>(() => MultipleTesting.Bonferroni([], [])).ParamName);
        Assert.Equal("pValues", Assert.Throws<ArgumentException>(() => MultipleTesting.Bonferroni([0.1, double.NaN], adjusted)).ParamName);
        Assert.Equal("pValues", Assert.Throws<ArgumentException>(() => MultipleTesting.BenjaminiHochberg([0.1, 1.5], adjusted)).ParamName);
        Assert.Equal("pValues", Assert.Throws<ArgumentException>(() => MultipleTesting.BenjaminiHochberg([-0.1, 0.5], adjusted)).ParamName);
        Assert.Equal("adjusted", Assert.Throws<ArgumentException>(() => MultipleTesting.BenjaminiHochberg([0.1], adjusted)).ParamName);
    }
}
