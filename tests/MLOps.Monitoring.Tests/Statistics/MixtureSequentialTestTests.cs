using System.Text.Json;
using MLOps.Monitoring.Statistics;
using Xunit.Abstractions;

namespace MLOps.Monitoring.Tests.Statistics;

public class MixtureSequentialTestTests(ITestOutputHelper output)
{
    [Fact]
    public void Evaluate_NumPyClosedFormVectors_MatchWithinToleranceAtEveryLook()
    {
        var tolerance = new Tolerance();
        int looks = 0;
        foreach (JsonElement c in VectorFile.Cases("msprt"))
        {
            SequentialTestOptions options = Options(c.GetProperty("options"));
            bool means = c.GetProperty("kind").GetString() == "means";
            double[] control = means ? c.Doubles("control") : [];
            double[] treatment = means ? c.Doubles("treatment") : [];
            SampleMoments cm = default, tm = default;
            int ci = 0, ti = 0;
            SequentialTestResult? previous = null;
            foreach (JsonElement look in c.GetProperty("looks").EnumerateArray())
            {
                SequentialTestResult result;
                if (means)
                {
                    for (; ci < look.GetProperty("controlCount").GetInt32(); ci++)
                    {
                        cm.Add(control[ci]);
                    }

                    for (; ti < look.GetProperty("treatmentCount").GetInt32(); ti++)
                    {
                        tm.Add(treatment[ti]);
                    }

                    result = MixtureSequentialTest.Evaluate(cm, tm, options, previous);
                }
                else
                {
                    result = MixtureSequentialTest.EvaluateProportions(
                        look.GetProperty("controlSuccesses").GetInt64(), look.GetProperty("controlTotal").GetInt64(),
                        look.GetProperty("treatmentSuccesses").GetInt64(), look.GetProperty("treatmentTotal").GetInt64(),
                        options, previous);
                }

                string context = $"{c.Name()} look {looks}";
                tolerance.AssertClose(look.Double("effect"), result.Effect, context + " effect");
                tolerance.AssertClose(look.Double("likelihoodRatio"), result.LikelihoodRatio, context + " Λ");
                tolerance.AssertClose(look.Double("pValue"), result.PValue, context + " p");
                tolerance.AssertClose(look.Double("lower"), result.Interval.Lower, context + " lower");
                tolerance.AssertClose(look.Double("upper"), result.Interval.Upper, context + " upper");
                tolerance.AssertClose(look.Double("mixtureVariance"), result.MixtureVariance, context + " τ²");
                Assert.Equal(look.GetProperty("decision").GetString(), result.Decision.ToString());
                Assert.Equal(look.GetProperty("minimumSampleReached").GetBoolean(), result.MinimumSampleReached);
                previous = result;
                looks++;
            }
        }

        output.WriteLine($"{looks} looks; {tolerance}");
    }

    [Fact]
    public void MixtureVarianceForEffect_LambertWVectors_MatchWithinTolerance()
    {
        var tolerance = new Tolerance();
        foreach (JsonElement c in VectorFile.Cases("mixture_variance"))
        {
            tolerance.AssertClose(c.Double("mixtureVariance"), MixtureSequentialTest.MixtureVarianceForEffect(c.Double("effect"), c.Double("alpha")), c.Name());
        }

        output.WriteLine(tolerance.ToString());
    }

    [Fact]
    public void Evaluate_ManyLooks_PValueNeverRisesAndIntervalsNest()
    {
        var random = new Random(42);
        var options = new SequentialTestOptions { MinSampleSize = 10 };
        SampleMoments control = default, treatment = default;
        SequentialTestResult? previous = null;
        for (int look = 0; look < 200; look++)
        {
            for (int i = 0; i < 10; i++)
            {
                control.Add(random.NextDouble());
                treatment.Add(random.NextDouble() + 0.02);
            }

            SequentialTestResult result = MixtureSequentialTest.Evaluate(control, treatment, options, previous);
            if (previous is SequentialTestResult p)
            {
                Assert.True(result.PValue <= p.PValue);
                Assert.True(result.Interval.Lower >= p.Interval.Lower && result.Interval.Upper <= p.Interval.Upper);
            }

            // The duality of the test and its confidence sequence: rejected exactly when 0 has left the interval.
            Assert.Equal(result.PValue <= options.Alpha, !result.Interval.Contains(0));
            previous = result;
        }
    }

    [Fact]
    public void Evaluate_BelowMinimumSample_NoDecisionHoweverStrongTheEvidence()
    {
        var options = new SequentialTestOptions { MinSampleSize = 100 };
        SampleMoments control = default, treatment = default;
        for (int i = 0; i < 99; i++)
        {
            control.Add(i % 2);
            treatment.Add(10 + (i % 2));
        }

        SequentialTestResult early = MixtureSequentialTest.Evaluate(control, treatment, options);

        Assert.False(early.MinimumSampleReached);
        Assert.Equal(SequentialDecision.None, early.Decision);
        Assert.Equal(1, early.PValue);
        Assert.Equal(ConfidenceInterval.Unbounded, early.Interval);
        Assert.True(early.LikelihoodRatio > 1e100);

        control.Add(0);
        treatment.Add(10);
        SequentialTestResult enough = MixtureSequentialTest.Evaluate(control, treatment, options, early);

        Assert.True(enough.MinimumSampleReached);
        Assert.Equal(SequentialDecision.TreatmentBetter, enough.Decision);
        Assert.Equal(SequentialDecision.TreatmentWorse, MixtureSequentialTest.Evaluate(control, treatment, options with { Direction = MetricDirection.LowerIsBetter }, early).Decision);
    }

    [Fact]
    public void EvaluateProportions_ErrorRateUp_LowerIsBetter_TreatmentWorse()
    {
        var options = new SequentialTestOptions { Direction = MetricDirection.LowerIsBetter };

        SequentialTestResult result = MixtureSequentialTest.EvaluateProportions(20, 1000, 80, 1000, options);

        Assert.Equal(SequentialDecision.TreatmentWorse, result.Decision);
        Assert.True(result.Interval.Lower > 0);
        Assert.Equal(0.06, result.Effect, 14);
    }

    [Fact]
    public void Evaluate_PreviousResultRestoredFromStorage_ContinuesTheRunningState()
    {
        // An analysis may persist (p, interval) and rebuild the previous result after a restart.
        var options = new SequentialTestOptions();
        SequentialTestResult stored = new(0.1, 30, 0.02, new ConfidenceInterval(0.01, 0.4), SequentialDecision.TreatmentBetter, true, 0.01);

        SequentialTestResult next = MixtureSequentialTest.EvaluateProportions(500, 1000, 500, 1000, options, stored);

        Assert.Equal(0.02, next.PValue);
        Assert.Equal(0.01, next.Interval.Lower);
        Assert.InRange(next.Interval.Upper, 0.01, 0.1);
        Assert.Equal(SequentialDecision.TreatmentBetter, next.Decision);
    }

    [Fact]
    public void BadInput_ThrowsNamingTheParameter()
    {
        SampleMoments m = SampleMoments.FromSummary(200, 1, 1);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => MixtureSequentialTest.Evaluate(m, m, null!)).ParamName);
        Assert.Equal("options", Assert.ThrowsAny<ArgumentException>(() => MixtureSequentialTest.Evaluate(m, m, new SequentialTestOptions { Alpha = 1 })).ParamName);
        Assert.Equal("options", Assert.ThrowsAny<ArgumentException>(() => MixtureSequentialTest.Evaluate(m, m, new SequentialTestOptions { Alpha = double.NaN })).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => MixtureSequentialTest.Evaluate(m, m, new SequentialTestOptions { MinSampleSize = 1 })).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => MixtureSequentialTest.Evaluate(m, m, new SequentialTestOptions { MixtureVariance = 0 })).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => MixtureSequentialTest.Evaluate(m, m, new SequentialTestOptions { MixtureVariance = double.PositiveInfinity })).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => MixtureSequentialTest.Evaluate(m, m, new SequentialTestOptions { Direction = (MetricDirection)7 })).ParamName);
        Assert.Equal("previous", Assert.Throws<ArgumentException>(() => MixtureSequentialTest.Evaluate(m, m, new SequentialTestOptions(), new SequentialTestResult { PValue = double.NaN })).ParamName);
        Assert.Equal("treatmentSuccesses", Assert.Throws<ArgumentOutOfRangeException>(() => MixtureSequentialTest.EvaluateProportions(1, 10, 11, 10, new SequentialTestOptions())).ParamName);
        Assert.Equal("minimumDetectableEffect", Assert.Throws<ArgumentOutOfRangeException>(() => MixtureSequentialTest.MixtureVarianceForEffect(0)).ParamName);
        Assert.Equal("alpha", Assert.Throws<ArgumentOutOfRangeException>(() => MixtureSequentialTest.MixtureVarianceForEffect(0.1, 0)).ParamName);
    }

    private static SequentialTestOptions Options(JsonElement o) => new()
    {
        Alpha = o.Double("alpha"),
        MinSampleSize = o.GetProperty("minSampleSize").GetInt64(),
        Direction = Enum.Parse<MetricDirection>(o.GetProperty("direction").GetString()!),
        MixtureVariance = o.GetProperty("mixtureVariance").ValueKind == JsonValueKind.Null ? null : o.Double("mixtureVariance"),
    };
}
