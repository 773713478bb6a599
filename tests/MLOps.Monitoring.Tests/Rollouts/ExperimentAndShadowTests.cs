using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Rollouts;
using MLOps.Monitoring.Statistics;
using MLOps.Monitoring.Tests.Rollouts.Support;

namespace MLOps.Monitoring.Tests.Rollouts;

/// <summary>Experiments decided by the always-valid sequential test, the sample-ratio check, and shadow comparison.</summary>
public sealed class ExperimentAndShadowTests
{
    private static readonly RolloutAnalysis Guardrails = new() { MinSampleSize = 20, MaxLatencyRatio = null };

    [Theory]
    [InlineData(1.0, RolloutState.Succeeded, "significantly better")]
    [InlineData(4.0, RolloutState.RolledBack, "significantly worse")]
    public async Task Experiment_SequentialTestOnAbsoluteError_DecidesPromotionOrRollback(double candidateNoise, RolloutState expected, string reason)
    {
        await using RolloutHarness h = await RolloutHarness.CreateAsync();
        using var pValue = new MetricCollector<double>(h.MeterFactory, MLOpsTelemetry.Name, RolloutTelemetry.ExperimentPValue);
        await h.StartAsync(RolloutStrategy.Experiment, Guardrails, [50]);
        await h.PassAsync();
        var random = new Random(7);

        for (int look = 0; look < 10 && (await h.RolloutAsync()).IsActive; look++)
        {
            for (int i = 0; i < 40; i++)
            {
                double actual = 100 + (10 * random.NextDouble());
                h.Feedback(h.Predict(1, "primary", 1, value: actual + (2.0 * ((2 * random.NextDouble()) - 1))), actual);
                h.Feedback(h.Predict(2, "candidate", 1, value: actual + (candidateNoise * ((2 * random.NextDouble()) - 1))), actual);
            }

            await h.PassAsync();
        }

        Rollout rollout = await h.RolloutAsync();
        Assert.Equal(expected, rollout.State);
        Assert.Contains(reason, rollout.Decisions[^1].Reason, StringComparison.Ordinal);
        SequentialTestResult experiment = h.Status.Experiment!.Value;
        Assert.True(experiment.PValue <= 0.05);
        Assert.False(experiment.Interval.Contains(0));
        Assert.Equal(expected == RolloutState.Succeeded ? new ModelVersion(2) : new ModelVersion(1), await h.ChampionAsync());
        pValue.RecordObservableInstruments();
        Assert.Equal(experiment.PValue, pValue.LastMeasurement!.Value);
    }

    [Fact]
    public async Task Experiment_NoDifference_HoldsOnceAndDecidesNothing()
    {
        await using RolloutHarness h = await RolloutHarness.CreateAsync();
        await h.StartAsync(RolloutStrategy.Experiment, Guardrails, [50]);
        await h.PassAsync();
        var random = new Random(3);
        for (int look = 0; look < 5; look++)
        {
            for (int i = 0; i < 30; i++)
            {
                double actual = 50 + random.NextDouble();
                h.Feedback(h.Predict(1, "primary", 1, value: actual + random.NextDouble() - 0.5), actual);
                h.Feedback(h.Predict(2, "candidate", 1, value: actual + random.NextDouble() - 0.5), actual);
            }

            await h.PassAsync();
        }

        Rollout rollout = await h.RolloutAsync();
        Assert.Equal(RolloutState.Progressing, rollout.State);
        Assert.Equal("experiment: no significant difference yet", Assert.Single(rollout.Decisions, d => d.Action == RolloutAction.Held).Reason);
    }

    [Fact]
    public async Task Experiment_SampleRatioMismatch_IsLoggedAndPublished()
    {
        await using RolloutHarness h = await RolloutHarness.CreateAsync();
        using var srm = new MetricCollector<double>(h.MeterFactory, MLOpsTelemetry.Name, RolloutTelemetry.SampleRatioPValue);
        await h.StartAsync(RolloutStrategy.Experiment, Guardrails, [50]);
        await h.PassAsync();

        h.Predict(1, "primary", 300);
        h.Predict(2, "candidate", 100);   // 75/25 at a 50/50 split
        await h.PassAsync();

        Assert.True(h.Status.SampleRatioPValue < 0.001);
        Assert.Contains(h.Logger.Collector.GetSnapshot(), r => r.Id.Name == "SampleRatioMismatch");
        srm.RecordObservableInstruments();
        Assert.Equal(h.Status.SampleRatioPValue, srm.LastMeasurement!.Value);
        Assert.Equal("m", srm.LastMeasurement.Tags[MLOpsTelemetry.Tags.ModelName]);
    }

    [Fact]
    public async Task Experiment_BalancedSplit_HasNoSampleRatioMismatch()
    {
        await using RolloutHarness h = await RolloutHarness.CreateAsync();
        await h.StartAsync(RolloutStrategy.Experiment, Guardrails, [50]);
        await h.PassAsync();
        h.Predict(1, "primary", 205);
        h.Predict(2, "candidate", 195);
        await h.PassAsync();

        Assert.True(h.Status.SampleRatioPValue > 0.5);
        Assert.DoesNotContain(h.Logger.Collector.GetSnapshot(), r => r.Id.Name == "SampleRatioMismatch");
    }

    [Fact]
    public async Task ShadowPrediction_IsNotServedTraffic_AndBothAreScoredOnTheSameLabel()
    {
        await using RolloutHarness h = await RolloutHarness.CreateAsync();
        using var difference = new MetricCollector<double>(h.MeterFactory, MLOpsTelemetry.Name, RolloutTelemetry.ShadowAbsoluteDifference);
        PredictionId id = h.Observe(1, "primary", 10);
        h.Observe(2, "shadow", 13, id);   // the mirror of the same request

        Assert.Equal(MLOps.Monitoring.Quality.Feedback.FeedbackOutcome.Joined, h.Feedback(id, 11).Outcome);

        ModelQualityReport report = h.Quality.GetLatest(RolloutHarness.Model)!;
        QualityWindow served = Assert.Single(report.Current, w => w.Variant == "primary");
        QualityWindow shadow = Assert.Single(report.Current, w => w.Variant == "shadow");
        Assert.Equal((1, new ModelVersion(1), 1.0), (served.Count, served.ModelVersion, served.Metrics["mae"]));
        Assert.Equal((1, new ModelVersion(2), 2.0), (shadow.Count, shadow.ModelVersion, shadow.Metrics["mae"]));
        Assert.Equal(1, report.JoinedFeedback);   // one feedback, one served prediction
        Assert.Equal(3.0, Assert.Single(difference.GetMeasurementSnapshot()).Value);
        Assert.Equal(MLOps.Monitoring.Quality.Feedback.FeedbackOutcome.Duplicate, h.Feedback(id, 11).Outcome);
    }

    [Fact]
    public async Task ShadowRollout_ReportsPairedFiguresAndNeverPromotesItself()
    {
        await using RolloutHarness h = await RolloutHarness.CreateAsync();
        await h.StartAsync(RolloutStrategy.Shadow, Guardrails with { QualityMetric = "mae" }, [100]);
        await h.PassAsync();
        for (int i = 0; i < 30; i++)
        {
            PredictionId id = h.Predict(1, "primary", 1, value: 10)[0];
            h.Predict(2, "shadow", 1, value: 12);   // operational figures of the mirror
            h.Observe(2, "shadow", 12, id);          // its output beside the served one
            h.Feedback(id, 11);
        }

        await h.PassAsync();
        await h.PassAsync();

        RolloutStatus status = h.Status;
        Assert.Equal((30, 30), (status.Primary.Requests, status.Candidate.Requests));
        Assert.Equal((30, 1.0), (status.Candidate.Labelled, status.Candidate.Quality!.Value));
        Assert.Equal(2.0, status.Candidate.MeanAbsoluteDifference);
        Rollout rollout = await h.RolloutAsync();
        Assert.Equal(RolloutState.Progressing, rollout.State);
        Assert.Equal(RolloutAction.Held, Assert.Single(rollout.Decisions, d => d.Action != RolloutAction.Started).Action);
        Assert.Equal(new ModelVersion(1), await h.ChampionAsync());
    }

    [Theory]
    [InlineData(1.0, RolloutState.Succeeded, "shadow comparison: the shadow is significantly better")]
    [InlineData(4.0, RolloutState.RolledBack, "shadow comparison: the shadow is significantly worse")]
    public async Task ShadowRollout_PromoteShadowWhenBetter_TheSequentialTestOnLiveLabelsEndsIt(double shadowNoise, RolloutState expected, string reason)
    {
        await using RolloutHarness h = await RolloutHarness.CreateAsync();
        await h.StartAsync(RolloutStrategy.Shadow, Guardrails with { PromoteShadowWhenBetter = true }, [100]);
        await h.PassAsync();
        var random = new Random(11);

        for (int look = 0; look < 10 && (await h.RolloutAsync()).IsActive; look++)
        {
            for (int i = 0; i < 40; i++)
            {
                double actual = 100 + (10 * random.NextDouble());
                PredictionId id = h.Predict(1, "primary", 1, value: actual + (2.0 * ((2 * random.NextDouble()) - 1)))[0];
                double mirrored = actual + (shadowNoise * ((2 * random.NextDouble()) - 1));
                h.Predict(2, "shadow", 1, value: mirrored);
                h.Observe(2, "shadow", mirrored, id);
                h.Feedback(id, actual);
            }

            await h.PassAsync();
        }

        Rollout rollout = await h.RolloutAsync();
        Assert.Equal(expected, rollout.State);
        Assert.Contains(reason, rollout.Decisions[^1].Reason, StringComparison.Ordinal);
        Assert.True(h.Status.Experiment!.Value.PValue <= 0.05);
        Assert.Equal(expected == RolloutState.Succeeded ? new ModelVersion(2) : new ModelVersion(1), await h.ChampionAsync());
    }

    [Fact]
    public async Task ShadowRollout_PromoteShadowWhenBetterButNoDifference_Holds()
    {
        await using RolloutHarness h = await RolloutHarness.CreateAsync();
        await h.StartAsync(RolloutStrategy.Shadow, Guardrails with { PromoteShadowWhenBetter = true }, [100]);
        await h.PassAsync();
        for (int i = 0; i < 40; i++)
        {
            PredictionId id = h.Predict(1, "primary", 1, value: 10 + (i % 3))[0];
            h.Predict(2, "shadow", 1, value: 10 + ((i + 1) % 3));
            h.Observe(2, "shadow", 10 + ((i + 1) % 3), id);
            h.Feedback(id, 11);
        }

        await h.PassAsync();

        Rollout rollout = await h.RolloutAsync();
        Assert.Equal(RolloutState.Progressing, rollout.State);
        Assert.Equal("shadow comparison: no significant difference yet", rollout.Decisions[^1].Reason);
    }

    [Fact]
    public async Task ShadowRollout_FailingShadow_IsRolledBack()
    {
        await using RolloutHarness h = await RolloutHarness.CreateAsync();
        await h.StartAsync(RolloutStrategy.Shadow, Guardrails, [100]);
        await h.PassAsync();
        h.Predict(1, "primary", 50);
        h.Predict(2, "shadow", 50, failEvery: 2);
        await h.PassAsync();

        Rollout rollout = await h.RolloutAsync();
        Assert.Equal(RolloutState.RolledBack, rollout.State);
        Assert.StartsWith("the shadow's error rate 50%", rollout.Decisions[^1].Reason, StringComparison.Ordinal);
    }
}
