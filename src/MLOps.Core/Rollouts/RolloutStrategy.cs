namespace MLOps;

/// <summary>How a rollout puts a candidate version in front of live traffic.</summary>
public enum RolloutStrategy
{
    /// <summary>
    /// The candidate serves a growing share of requests (<see cref="Rollout.Steps"/>, for example 5, 25, 50 %) while the
    /// analysis compares it with the primary; it is promoted after the last step or rolled back on failed checks.
    /// </summary>
    Canary = 0,

    /// <summary>
    /// The candidate is loaded and warmed beside the primary, then takes 100 % at once; the primary stays loaded, so a
    /// rollback is an instant switch back.
    /// </summary>
    BlueGreen = 1,

    /// <summary>
    /// An A/B experiment: a fixed split between the arms, decided by an always-valid sequential test of the primary metric.
    /// </summary>
    Experiment = 2,

    /// <summary>
    /// The candidate receives a mirrored share of requests off the caller's path and never answers a caller; its outputs are
    /// compared with the primary's, on live labels when ground truth arrives.
    /// </summary>
    Shadow = 3,
}
