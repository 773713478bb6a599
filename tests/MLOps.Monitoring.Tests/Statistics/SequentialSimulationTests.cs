using MLOps.Monitoring.Statistics;
using Xunit.Abstractions;

namespace MLOps.Monitoring.Tests.Statistics;

/// <summary>
/// The proof by simulation of issue 11 §5: the mSPRT keeps its false-positive rate at α however often it is looked at,
/// the naive test does not, and the mSPRT still has power. Set MLOPS_WRITE_SIMULATION_RESULTS=1 to rewrite
/// tools/stats/simulation-results.md from these runs.
/// </summary>
public class SequentialSimulationTests(SequentialSimulationTests.Results results, ITestOutputHelper output)
    : IClassFixture<SequentialSimulationTests.Results>
{
    [Fact]
    public void AANormal_FalsePositiveRate_WithinAlphaPlusMonteCarloError_NaiveFarAbove()
    {
        output.WriteLine(results.AANormal.ToString());
        output.WriteLine($"all four scenarios ran in {results.Elapsed.TotalSeconds:F1} s");

        Assert.True(results.AANormal.SequentialRate <= SequentialSimulation.FalsePositiveBound, results.AANormal.ToString());
        Assert.True(results.AANormal.NaiveRate > 2 * SequentialSimulation.Alpha, results.AANormal.ToString());
    }

    [Fact]
    public void AABernoulli_FalsePositiveRate_WithinAlphaPlusMonteCarloError_NaiveFarAbove()
    {
        output.WriteLine(results.AABernoulli.ToString());

        Assert.True(results.AABernoulli.SequentialRate <= SequentialSimulation.FalsePositiveBound, results.AABernoulli.ToString());
        Assert.True(results.AABernoulli.NaiveRate > 2 * SequentialSimulation.Alpha, results.AABernoulli.ToString());
    }

    [Fact]
    public void PowerNormal_EffectOfPoint3SD_400PerArm_RejectsAtLeast80Percent()
    {
        output.WriteLine(results.PowerNormal.ToString());

        Assert.True(results.PowerNormal.SequentialRate >= 0.80, results.PowerNormal.ToString());
        Assert.Equal(0, results.PowerNormal.WrongDirection);
    }

    [Fact]
    public void PowerBernoulli_RateFrom20To25Percent_2500PerArm_RejectsAtLeast80Percent()
    {
        output.WriteLine(results.PowerBernoulli.ToString());

        Assert.True(results.PowerBernoulli.SequentialRate >= 0.80, results.PowerBernoulli.ToString());
        Assert.Equal(0, results.PowerBernoulli.WrongDirection);
    }

    /// <summary>Runs every scenario once for the class (and writes the Markdown figures when asked).</summary>
    public sealed class Results
    {
        public Results()
        {
            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            AANormal = SequentialSimulation.Normal("A/A, normal", 2000, 0, seed: 11);
            AABernoulli = SequentialSimulation.Bernoulli("A/A, success rate", 2000, 0.2, 0, seed: 12);
            PowerNormal = SequentialSimulation.Normal("power, effect 0.3 SD", 400, 0.3, seed: 13);
            PowerBernoulli = SequentialSimulation.Bernoulli("power, rate +5 points", 2500, 0.2, 0.05, seed: 14);
            Elapsed = stopwatch.Elapsed;
            if (Environment.GetEnvironmentVariable("MLOPS_WRITE_SIMULATION_RESULTS") == "1")
            {
                File.WriteAllText(Path.Combine(RepositoryRoot(), "tools", "stats", "simulation-results.md"),
                    SequentialSimulation.Markdown([AANormal, AABernoulli, PowerNormal, PowerBernoulli]));
            }
        }

        internal TimeSpan Elapsed { get; }

        internal SequentialSimulation.Figures AANormal { get; }

        internal SequentialSimulation.Figures AABernoulli { get; }

        internal SequentialSimulation.Figures PowerNormal { get; }

        internal SequentialSimulation.Figures PowerBernoulli { get; }

        private static string RepositoryRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (Directory.Exists(Path.Combine(dir.FullName, "tools", "stats")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("The repository root (with tools/stats) was not found above " + AppContext.BaseDirectory);
        }
    }
}
