using System.Globalization;
using System.Text;
using MLOps.Monitoring.Statistics;

namespace MLOps.Monitoring.Tests.Statistics;

/// <summary>
/// Seeded Monte Carlo experiments of the always-valid sequential test against the naive fixed-horizon tests applied at
/// every look (issue 11 §5). Every experiment of a scenario is looked at after each of its equal increments; the same
/// simulated data feed both tests, so the figures compare like with like. Deterministic: <see cref="Random"/> with a
/// fixed seed and Box–Muller normals.
/// </summary>
internal static class SequentialSimulation
{
    public const int Runs = 1000;
    public const int Looks = 20;
    public const double Alpha = SequentialTestOptions.DefaultAlpha;

    /// <summary>The A/A acceptance bound: α plus three Monte Carlo standard errors of a rate α over <see cref="Runs"/> runs.</summary>
    public static double FalsePositiveBound => Alpha + (3 * Math.Sqrt(Alpha * (1 - Alpha) / Runs));

    /// <summary>Normal data N(0, 1) in the control and N(effect, 1) in the treatment.</summary>
    public static Figures Normal(string name, int perArm, double effect, int seed)
    {
        var random = new Random(seed);
        var options = new SequentialTestOptions { Alpha = Alpha };
        var figures = new Figures(name, perArm, $"N(0, 1) vs N({Invariant(effect)}, 1)", "Welch's t-test") { IsAA = effect == 0 };
        for (int run = 0; run < Runs; run++)
        {
            SampleMoments control = default, treatment = default;
            SequentialTestResult? state = null;
            bool naive = false;
            int stoppedAt = 0;
            for (int look = 1; look <= Looks; look++)
            {
                for (long n = control.Count; n < (long)perArm * look / Looks; n++)
                {
                    control.Add(NextNormal(random));
                    treatment.Add(effect + NextNormal(random));
                }

                state = MixtureSequentialTest.Evaluate(control, treatment, options, state);
                if (stoppedAt == 0 && state.Value.Decision != SequentialDecision.None)
                {
                    stoppedAt = look;
                }

                if (control.Count >= options.MinSampleSize)
                {
                    naive |= WelchTTest.FromMoments(control, treatment).PValue < Alpha;
                }
            }

            figures.Record(state!.Value, stoppedAt, perArm, naive, WelchTTest.FromMoments(control, treatment).PValue < Alpha);
        }

        return figures;
    }

    /// <summary>Success rates: Bernoulli(rate) in the control and Bernoulli(rate + effect) in the treatment.</summary>
    public static Figures Bernoulli(string name, int perArm, double rate, double effect, int seed)
    {
        var random = new Random(seed);
        var options = new SequentialTestOptions { Alpha = Alpha };
        var figures = new Figures(name, perArm, $"Bernoulli({Invariant(rate)}) vs Bernoulli({Invariant(rate + effect)})", "two-proportion z-test") { IsAA = effect == 0 };
        for (int run = 0; run < Runs; run++)
        {
            long cs = 0, ts = 0, n = 0;
            SequentialTestResult? state = null;
            bool naive = false;
            int stoppedAt = 0;
            for (int look = 1; look <= Looks; look++)
            {
                for (; n < (long)perArm * look / Looks; n++)
                {
                    cs += random.NextDouble() < rate ? 1 : 0;
                    ts += random.NextDouble() < rate + effect ? 1 : 0;
                }

                state = MixtureSequentialTest.EvaluateProportions(cs, n, ts, n, options, state);
                if (stoppedAt == 0 && state.Value.Decision != SequentialDecision.None)
                {
                    stoppedAt = look;
                }

                if (n >= options.MinSampleSize)
                {
                    naive |= ZTest.TwoProportions(cs, n, ts, n).PValue < Alpha;
                }
            }

            figures.Record(state!.Value, stoppedAt, perArm, naive, ZTest.TwoProportions(cs, n, ts, n).PValue < Alpha);
        }

        return figures;
    }

    /// <summary>Renders the figures as the Markdown table of tools/stats/simulation-results.md.</summary>
    public static string Markdown(IEnumerable<Figures> all)
    {
        var text = new StringBuilder();
        text.AppendLine("# A/B statistics: simulation results");
        text.AppendLine();
        text.AppendLine("Written by `tests/MLOps.Monitoring.Tests/Statistics/SequentialSimulationTests.cs` (seeded, deterministic):");
        text.AppendLine();
        text.AppendLine("    MLOPS_WRITE_SIMULATION_RESULTS=1 dotnet test tests/MLOps.Monitoring.Tests/MLOps.Monitoring.Tests.csproj --filter \"FullyQualifiedName~SequentialSimulation\"");
        text.AppendLine();
        text.AppendLine(Invariant($"{Runs:N0} experiments per row, each looked at {Looks} times (equal increments), α = {Alpha}; mSPRT with the default settings"));
        text.AppendLine(Invariant($"(τ² = {SequentialTestOptions.DefaultStandardizedMixtureVariance} × pooled variance, minimum {SequentialTestOptions.DefaultMinSampleSize} per arm)."));
        text.AppendLine("The naive test is the fixed-horizon test applied at every look where the mSPRT may decide (rejecting if any look has p < α);");
        text.AppendLine("\"fixed horizon\" is the same test applied once, at the last look only. Both run on the same simulated data as the mSPRT.");
        text.AppendLine("In the A/A rows every rejection is a false positive; \"mean stop\" is the per-arm sample size at the look where the mSPRT decided.");
        text.AppendLine(Invariant($"The A/A acceptance bound is α + 3·√(α(1 − α)/{Runs}) = {FalsePositiveBound:F4}."));
        text.AppendLine();
        text.AppendLine("| scenario | data | per arm | mSPRT rejects | naive test, every look | same test, fixed horizon | mSPRT wrong direction | mSPRT mean stop (per arm) |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (Figures f in all)
        {
            text.AppendLine(Invariant($"| {f.Name} | {f.Data} ({f.NaiveTest}) | {f.PerArm:N0} | {f.SequentialRate:P1} | {f.NaiveRate:P1} | {f.FixedHorizonRate:P1} | {(f.IsAA ? "n/a" : f.WrongDirection.ToString(CultureInfo.InvariantCulture))} | {f.MeanStoppingSampleSize:N0} |"));
        }

        return text.ToString();
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(double d) => d.ToString(CultureInfo.InvariantCulture);

    private static double NextNormal(Random random)
    {
        // Box–Muller; 1 − U avoids log(0).
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    internal sealed class Figures(string name, int perArm, string data, string naiveTest)
    {
        private long _stoppingSamples;

        public string Name { get; } = name;

        public int PerArm { get; } = perArm;

        public string Data { get; } = data;

        public string NaiveTest { get; } = naiveTest;

        public bool IsAA { get; init; }

        public int SequentialRejections { get; private set; }

        public int NaiveRejections { get; private set; }

        public int FixedHorizonRejections { get; private set; }

        public int WrongDirection { get; private set; }

        public double SequentialRate => (double)SequentialRejections / Runs;

        public double NaiveRate => (double)NaiveRejections / Runs;

        public double FixedHorizonRate => (double)FixedHorizonRejections / Runs;

        public double MeanStoppingSampleSize => SequentialRejections == 0 ? 0 : (double)_stoppingSamples / SequentialRejections;

        public void Record(SequentialTestResult final, int stoppedAt, int perArm, bool naive, bool fixedHorizon)
        {
            if (final.Decision != SequentialDecision.None)
            {
                SequentialRejections++;
                _stoppingSamples += (long)perArm * stoppedAt / Looks;
                WrongDirection += final.Decision == SequentialDecision.TreatmentWorse ? 1 : 0;
            }

            NaiveRejections += naive ? 1 : 0;
            FixedHorizonRejections += fixedHorizon ? 1 : 0;
        }

        public override string ToString() => Invariant(
            $"{Name}: {Data}, {PerArm} per arm, {Runs} runs x {Looks} looks: mSPRT {SequentialRate:P1} (wrong direction {WrongDirection}, mean stop {MeanStoppingSampleSize:N0} per arm), naive {NaiveTest} at every look {NaiveRate:P1}, fixed horizon {FixedHorizonRate:P1}");
    }
}
