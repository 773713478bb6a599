namespace MLOps;

/// <summary>Where a rollout is in its life.</summary>
public enum RolloutState
{
    /// <summary>The analysis runs and the rollout moves through its steps.</summary>
    Progressing = 0,

    /// <summary>Paused by an operator: the weights hold and the analysis does not decide.</summary>
    Paused = 1,

    /// <summary>Waiting for an operator to approve the last step (see <see cref="RolloutAnalysis.RequireApproval"/>).</summary>
    AwaitingApproval = 2,

    /// <summary>Ended: the serving alias moved to the candidate.</summary>
    Succeeded = 3,

    /// <summary>Ended: the candidate failed its checks and its weight went back to 0.</summary>
    RolledBack = 4,

    /// <summary>Ended: stopped by an operator; the candidate's weight went back to 0.</summary>
    Aborted = 5,
}
