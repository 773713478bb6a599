namespace MLOps.Monitoring.Rollouts.Internal;

/// <summary>
/// What one analysis pass concluded: the decision to record (<see langword="null"/> for none), its reason, and the
/// consecutive soft failures after the pass.
/// </summary>
internal sealed record RolloutVerdict(RolloutAction Action, string Reason, int ConsecutiveFailures);
