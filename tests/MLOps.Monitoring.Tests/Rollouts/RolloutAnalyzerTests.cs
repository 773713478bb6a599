using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using MLOps.Monitoring.Rollouts;
using MLOps.Monitoring.Tests.Rollouts.Support;

namespace MLOps.Monitoring.Tests.Rollouts;

/// <summary>The analysis passes over a canary, against the real file-system registry with rollouts held in memory.</summary>
public sealed class RolloutAnalyzerTests
{
    private static readonly RolloutAnalysis Quick = new() { MinSampleSize = 20, FailureThreshold = 3, MaxErrorRate = 0.05, MaxLatencyRatio = 1.5 };

    [Fact]
    public async Task Canary_GoodCandidate_AdvancesThroughEveryStepAndIsPromoted()
    {
        await using RolloutHarness h = await RolloutHarness.CreateAsync();
        using var decisions = new MetricCollector<long>(h.MeterFactory, MLOpsTelemetry.Name, RolloutTelemetry.Decisions);
        await h.StartAsync(RolloutStrategy.Canary, Quick with { QualityMetric = "mae" }, [10, 50, 100]);
        await h.PassAsync();   // opens the window

        foreach (int weight in new[] { 10, 50, 100 })
        {
            Assert.Equal(weight, (await h.RolloutAsync()).CandidateWeight);
            h.Feedback(h.Predict(1, "primary", 30, value: 10), actual: 11);
            h.Feedback(h.Predict(2, "candidate", 30, value: 10.5), actual: 11);
            await h.PassAsync();
        }

        Rollout done = await h.RolloutAsync();
        Assert.Equal(RolloutState.Succeeded, done.State);
        Assert.Equal(
            [RolloutAction.Started, RolloutAction.Advanced, RolloutAction.Advanced, RolloutAction.Promoted],
            done.Decisions.Select(d => d.Action));
        Assert.Equal(new ModelVersion(2), await h.ChampionAsync());   // the alias really moved
        Assert.Equal(RolloutAction.Promoted, h.Status.LastDecision!.Action);
        Assert.Equal(RolloutAnalyzerActor, done.Decisions[^1].Actor);
        Assert.Equal(2, decisions.GetMeasurementSnapshot().Count(m => (string?)m.Tags[RolloutTelemetry.DecisionTag] == "advanced"));
        Assert.Single(decisions.GetMeasurementSnapshot(), m => (string?)m.Tags[RolloutTelemetry.DecisionTag] == "promoted");
    }

    [Fact]
    public async Task Canary_HighCandidateErrorRate_IsRolledBackAtOnceWithReason()
    {
        await using RolloutHarness h = await RolloutHarness.CreateAsync();
        using var decisions = new MetricCollector<long>(h.MeterFactory, MLOpsTelemetry.Name, RolloutTelemetry.Decisions);
        await h.StartAsync(RolloutStrategy.Canary, Quick, [10, 50, 100]);
        await h.PassAsync();

        h.Predict(1, "primary", 100);
        h.Predict(2, "candidate", 40, failEvery: 4);   // 25% fail
        await h.PassAsync();

        Rollout rollout = await h.RolloutAsync();
        Assert.Equal(RolloutState.RolledBack, rollout.State);
        Assert.Equal(0, rollout.CandidateWeight);
        Assert.Contains("error rate 25%", rollout.Decisions[^1].Reason, StringComparison.Ordinal);
        Assert.Equal(new ModelVersion(1), await h.ChampionAsync());
        Assert.Single(decisions.GetMeasurementSnapshot(), m => (string?)m.Tags[RolloutTelemetry.DecisionTag] == "rolled_back");
        Assert.Contains(h.Logger.Collector.GetSnapshot(), r => r.Id.Name == "RolloutRolledBack");
    }

    [Fact]
    public async Task Canary_BiasedRegressionCandidate_IsRolledBackAfterTheFailureThreshold()
    {
        await using RolloutHarness h = await RolloutHarness.CreateAsync();
        await h.StartAsync(RolloutStrategy.Canary, Quick with { QualityMetric = "mae", MaxQualityDegradation = 0.1 }, [10, 50, 100]);
        await h.PassAsync();

        h.Feedback(h.Predict(1, "primary", 30, value: 10), actual: 11);
        h.Feedback(h.Predict(2, "candidate", 30, value: 60), actual: 11);   // a bias of +50
        await h.PassAsync();
        Assert.Equal("check failed (1 of 3): mae 49 is worse than the primary's 1 by more than 10%", (await h.RolloutAsync()).Decisions[^1].Reason);
        Assert.Equal(49, h.Status.Candidate.Quality);
        Assert.Equal(1, h.Status.Primary.Quality);
        await h.PassAsync();
        Assert.Equal(2, h.Status.ConsecutiveFailures);
        await h.PassAsync();

        Rollout rollout = await h.RolloutAsync();
        Assert.Equal(RolloutState.RolledBack, rollout.State);
        Assert.StartsWith("3 failed checks in a row (threshold 3): mae 49", rollout.Decisions[^1].Reason, StringComparison.Ordinal);
        Assert.Equal(new ModelVersion(1), await h.ChampionAsync());
    }

    [Fact]
    public async Task Canary_FlakyLatencyBelowThreshold_HoldsThenAdvances()
    {
        await using RolloutHarness h = await RolloutHarness.CreateAsync();
        await h.StartAsync(RolloutStrategy.Canary, Quick, [10, 50, 100]);
        await h.PassAsync();

        h.Predict(1, "primary", 100, seconds: 0.002);
        h.Predict(2, "candidate", 30, seconds: 0.010);   // 5× slower
        await h.PassAsync();
        Assert.Equal(RolloutAction.Held, (await h.RolloutAsync()).Decisions[^1].Action);
        Assert.Equal(1, h.Status.ConsecutiveFailures);

        h.Predict(2, "candidate", 3000, seconds: 0.002);   // the slow start is now below the p95
        await h.PassAsync();

        Rollout rollout = await h.RolloutAsync();
        Assert.Equal(RolloutState.Progressing, rollout.State);
        Assert.Equal(RolloutAction.Advanced, rollout.Decisions[^1].Action);
        Assert.Equal(50, rollout.CandidateWeight);
        Assert.Equal(0, h.Status.ConsecutiveFailures);
    }

    [Fact]
    public async Task WaitingForData_RecordsOneHeldDecisionNotOnePerInterval()
    {
        await using RolloutHarness h = await RolloutHarness.CreateAsync();
        await h.StartAsync(RolloutStrategy.Canary, Quick, [10, 50, 100]);
        await h.PassAsync();

        for (int i = 0; i < 4; i++)
        {
            h.Predict(1, "primary", 5);
            h.Predict(2, "candidate", 1);
            await h.PassAsync();
        }

        Rollout rollout = await h.RolloutAsync();
        RolloutDecision held = Assert.Single(rollout.Decisions, d => d.Action == RolloutAction.Held);
        Assert.Equal("waiting for data: fewer than 20 predictions on the candidate arm", held.Reason);
        Assert.Equal(4, h.Status.Candidate.Requests);
        Assert.Equal(20, h.Status.Primary.Requests);
    }

    [Fact]
    public async Task RegistryOutage_PausesTheAnalysisAndNeverPromotes()
    {
        await using RolloutHarness h = await RolloutHarness.CreateAsync();
        using var errors = new MetricCollector<long>(h.MeterFactory, MLOpsTelemetry.Name, RolloutTelemetry.AnalysisErrors);
        await h.StartAsync(RolloutStrategy.Canary, Quick, [100]);
        await h.PassAsync();
        h.Predict(2, "candidate", 50);

        h.Faults.Down = true;
        await h.PassAsync();
        await h.PassAsync();

        Assert.True(h.Status.Paused);
        Assert.StartsWith("paused: the registry could not be reached", h.Status.Summary, StringComparison.Ordinal);
        Assert.Equal(2, errors.GetMeasurementSnapshot().Count);
        Assert.Equal(0, h.Faults.Updates);
        Assert.Equal(new ModelVersion(1), await h.ChampionAsync());
        Assert.Contains(h.Logger.Collector.GetSnapshot(), r => r.Id.Name == "RolloutAnalysisPaused");

        h.Faults.Down = false;
        await h.PassAsync();
        Assert.False(h.Status.Paused);
        Assert.Equal(new ModelVersion(2), await h.ChampionAsync());
    }

    [Fact]
    public async Task Conflict_SomeoneElseDecided_IsReadAgainNotRetriedBlind()
    {
        await using RolloutHarness h = await RolloutHarness.CreateAsync();
        await h.StartAsync(RolloutStrategy.Canary, Quick, [10, 50, 100]);
        await h.PassAsync();
        h.Predict(1, "primary", 50);
        h.Predict(2, "candidate", 50);
        h.Faults.BeforeUpdate = r => h.Inner.UpdateRolloutAsync(new UpdateRolloutRequest(RolloutHarness.Model, r.RolloutId, RolloutAction.Paused) { Reason = "an operator pauses" });

        await h.PassAsync();

        Assert.Equal(1, h.Faults.Updates);
        Assert.Contains(h.Logger.Collector.GetSnapshot(), r => r.Id.Name == "RolloutDecisionConflict");
        h.Faults.BeforeUpdate = null;
        await h.PassAsync();
        Assert.Equal(1, h.Faults.Updates);   // now paused by someone else: no decision
        Assert.Equal("paused: no decisions", h.Status.Summary);
        Assert.Equal(10, (await h.RolloutAsync()).CandidateWeight);
    }

    [Fact]
    public async Task CandidateFailsToLoad_IsRolledBackAtOnce()
    {
        await using RolloutHarness h = await RolloutHarness.CreateAsync();
        await h.StartAsync(RolloutStrategy.Canary, Quick, [10, 50, 100]);
        await h.PassAsync();

        h.LoadFailed("candidate");
        await h.PassAsync();

        Rollout rollout = await h.RolloutAsync();
        Assert.Equal(RolloutState.RolledBack, rollout.State);
        Assert.Equal("the candidate version 2 failed to load (System.IO.InvalidDataException)", rollout.Decisions[^1].Reason);
    }

    [Fact]
    public async Task CandidateChanged_RestartsTheAnalysisWithEmptyArms()
    {
        await using RolloutHarness h = await RolloutHarness.CreateAsync();
        Rollout started = await h.StartAsync(RolloutStrategy.Canary, Quick, [10, 50, 100]);
        await h.PassAsync();
        h.Predict(2, "candidate", 10);
        h.Predict(1, "primary", 10);
        await h.PassAsync();
        Assert.Equal(10, h.Status.Candidate.Requests);

        await h.Registry.UpdateRolloutAsync(new UpdateRolloutRequest(RolloutHarness.Model, started.Id, RolloutAction.Restarted) { Candidate = new ModelVersion(3), Reason = "new candidate" });
        await h.PassAsync();

        Assert.Equal(new ModelVersion(3), h.Status.Candidate.Version);
        Assert.Equal(0, h.Status.Candidate.Requests);
        Assert.Equal(0, h.Status.Primary.Requests);
        h.Predict(2, "candidate", 50);   // the old candidate's traffic no longer counts
        Assert.Equal(0, h.Status.Candidate.Requests);
    }

    [Fact]
    public async Task RequireApproval_LastStepPassing_RequestsApprovalAndThenDecidesNothing()
    {
        await using RolloutHarness h = await RolloutHarness.CreateAsync();
        await h.StartAsync(RolloutStrategy.Canary, Quick with { RequireApproval = true }, [100]);
        await h.PassAsync();
        h.Predict(2, "candidate", 50);
        await h.PassAsync();
        await h.PassAsync();

        Rollout rollout = await h.RolloutAsync();
        Assert.Equal(RolloutState.AwaitingApproval, rollout.State);
        Assert.Equal(RolloutAction.ApprovalRequested, rollout.Decisions[^1].Action);
        Assert.Equal(1, h.Faults.Updates);
        Assert.Equal(new ModelVersion(1), await h.ChampionAsync());
    }

    private const string RolloutAnalyzerActor = "rollout-analysis";
}
