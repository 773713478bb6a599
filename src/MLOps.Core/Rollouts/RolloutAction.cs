namespace MLOps;

/// <summary>A decision recorded in a rollout's history (<see cref="Rollout.Decisions"/>).</summary>
public enum RolloutAction
{
    /// <summary>The rollout started at its first step.</summary>
    Started = 0,

    /// <summary>The checks passed and the candidate moved to the next step's weight.</summary>
    Advanced = 1,

    /// <summary>The weights hold: not enough data yet, or a failed check below the failure threshold.</summary>
    Held = 2,

    /// <summary>The last step waits for an operator's approval.</summary>
    ApprovalRequested = 3,

    /// <summary>An operator approved the last step.</summary>
    Approved = 4,

    /// <summary>The serving alias moved to the candidate; the rollout succeeded.</summary>
    Promoted = 5,

    /// <summary>The candidate failed; its weight went back to 0.</summary>
    RolledBack = 6,

    /// <summary>An operator paused the rollout.</summary>
    Paused = 7,

    /// <summary>An operator resumed a paused rollout.</summary>
    Resumed = 8,

    /// <summary>An operator aborted the rollout; the candidate's weight went back to 0.</summary>
    Aborted = 9,

    /// <summary>The candidate changed, so the rollout went back to its first step and its analysis started again.</summary>
    Restarted = 10,
}
