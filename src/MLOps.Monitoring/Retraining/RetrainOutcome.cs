namespace MLOps.Monitoring.Retraining;

/// <summary>How a retrain ended.</summary>
public enum RetrainOutcome
{
    /// <summary>The candidate beat the champion by the margin and was promoted to the champion alias.</summary>
    Promoted,

    /// <summary>The candidate was registered and given the challenger alias (for a later canary), as the policy asks.</summary>
    Challenger,

    /// <summary>The candidate beat the champion and an approval to promote it was requested, as the policy asks.</summary>
    ApprovalRequested,

    /// <summary>The candidate was registered but not promoted: it did not beat the champion by the margin.</summary>
    Rejected,

    /// <summary>Loading data, training, evaluating or registering failed (or timed out); retried with backoff.</summary>
    Failed,

    /// <summary>The candidate beat the champion and a rollout of it was started (see <see cref="RetrainRun.RolloutId"/>); the rollout analysis promotes or rolls it back.</summary>
    RolloutStarted,
}
