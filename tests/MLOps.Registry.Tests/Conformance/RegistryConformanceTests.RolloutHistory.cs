namespace MLOps.Registry.Tests.Conformance;

/// <summary>A long rollout's decision history is bounded the same way on every backend.</summary>
public abstract partial class RegistryConformanceTests
{
    [Fact]
    public async Task UpdateRollout_ManyDecisions_KeepsTheFirstTheLatestRestartAndTheLatestHundredAndCountsTheRest()
    {
        await SetUpRolloutAsync(versions: 3);
        Rollout rollout = await StartAsync();
        rollout = await DecideAsync(rollout, RolloutAction.Held, "waiting for data");
        rollout = await Registry.UpdateRolloutAsync(new UpdateRolloutRequest(Name(), rollout.Id, RolloutAction.Restarted)
        {
            Candidate = new ModelVersion(3), Reason = "new candidate", Actor = "alice",
        });
        for (int i = 0; i < 120; i++)
        {
            // A flapping check: the held reason changes at every pass.
            rollout = await DecideAsync(rollout, RolloutAction.Held, $"check failed ({i % 2 + 1} of 3): p95 latency");
        }

        // 123 decisions: the start, the first hold, the restart and 120 holds.
        Assert.Equal(123L, rollout.Revision);
        Assert.Equal(102, rollout.Decisions.Count);
        Assert.Equal(21L, rollout.DroppedDecisions);
        Assert.Equal(RolloutAction.Started, rollout.Decisions[0].Action);
        Assert.Equal((RolloutAction.Restarted, "new candidate"), (rollout.Decisions[1].Action, rollout.Decisions[1].Reason));
        Assert.Equal(
            Enumerable.Range(20, 100).Select(i => $"check failed ({i % 2 + 1} of 3): p95 latency"),
            rollout.Decisions.Skip(2).Select(d => d.Reason));
        Assert.All(rollout.Decisions.Skip(2), d => Assert.Equal(RolloutAction.Held, d.Action));

        Rollout? read = await Registry.GetRolloutAsync(Name(), rollout.Id);
        IModelRegistry second = await OpenSecondInstanceAsync();
        Rollout? other;
        try
        {
            other = await second.GetActiveRolloutAsync(Name());
        }
        finally
        {
            await DisposeRegistryAsync(second);
        }

        foreach (Rollout? again in new[] { read, other })
        {
            Assert.NotNull(again);
            Assert.Equal(21L, again.DroppedDecisions);
            Assert.Equal(rollout.Decisions.Select(d => (d.Action, d.Reason, d.Step)), again.Decisions.Select(d => (d.Action, d.Reason, d.Step)));
        }

        // The next decision drops one more hold and keeps the restart.
        Rollout promoted = await DecideAsync(rollout, RolloutAction.Promoted, "checks passed");
        Assert.Equal((102, 22L), (promoted.Decisions.Count, promoted.DroppedDecisions));
        Assert.Equal([RolloutAction.Started, RolloutAction.Restarted], promoted.Decisions.Take(2).Select(d => d.Action));
        Assert.Equal(RolloutAction.Promoted, promoted.Decisions[^1].Action);
    }
}
