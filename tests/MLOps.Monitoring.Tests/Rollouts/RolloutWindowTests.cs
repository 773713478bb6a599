using MLOps.Monitoring.Rollouts.Internal;

namespace MLOps.Monitoring.Tests.Rollouts;

/// <summary>The analysis window's key survives the registry bounding a rollout's history, and still changes on a restart.</summary>
public sealed class RolloutWindowTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void KeyOf_OlderDecisionsAndAnEarlierRestartDropped_IsUnchanged()
    {
        // An earlier restart is dropped; the registry always keeps the latest one.
        Rollout full = Make([Decision(RolloutAction.Started, 0), Decision(RolloutAction.Restarted, 1), Decision(RolloutAction.Held, 2), Decision(RolloutAction.Restarted, 3), Decision(RolloutAction.Held, 4)]);
        Rollout bounded = full with { Decisions = [full.Decisions[0], full.Decisions[3], full.Decisions[4]], DroppedDecisions = 2 };

        Assert.Equal(RolloutWindow.KeyOf(full), RolloutWindow.KeyOf(bounded));
    }

    [Fact]
    public void KeyOf_AnotherRestartWithTheSameCandidateAndStep_Changes()
    {
        Rollout once = Make([Decision(RolloutAction.Started, 0), Decision(RolloutAction.Restarted, 1)]);
        Rollout twice = once with { Decisions = [.. once.Decisions, Decision(RolloutAction.Restarted, 2)] };

        Assert.NotEqual(RolloutWindow.KeyOf(once), RolloutWindow.KeyOf(twice));
    }

    private static RolloutDecision Decision(RolloutAction action, int minutes) => new()
    {
        Action = action, Timestamp = Start.AddMinutes(minutes), Step = 0, CandidateWeight = 10, Reason = action.ToString(),
    };

    private static Rollout Make(RolloutDecision[] decisions) => new()
    {
        Id = "0123456789abcdef0123456789abcdef",
        Name = ModelName.Parse("taxi"),
        Alias = ModelAlias.Champion,
        Strategy = RolloutStrategy.Canary,
        Primary = new ModelVersion(1),
        Candidate = new ModelVersion(2),
        Steps = [10, 50],
        CandidateWeight = 10,
        Decisions = decisions,
        Revision = decisions.Length,
    };
}
