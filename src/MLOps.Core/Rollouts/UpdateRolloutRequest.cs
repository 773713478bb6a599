namespace MLOps;

/// <summary>
/// Records a decision on an active rollout and applies it: <see cref="RolloutAction.Advanced"/> moves to the next step,
/// <see cref="RolloutAction.Promoted"/> moves the serving alias through <see cref="Gates"/> and ends the rollout, and so on.
/// </summary>
/// <param name="Name">The model.</param>
/// <param name="RolloutId">The rollout's id.</param>
/// <param name="Action">The decision. <see cref="RolloutAction.Started"/> is refused (start with <see cref="StartRolloutRequest"/>).</param>
public sealed record UpdateRolloutRequest(ModelName Name, string RolloutId, RolloutAction Action)
{
    /// <summary>Gets why (recorded in the decision and the audit trail).</summary>
    public string Reason { get; init; } = string.Empty;

    /// <summary>
    /// Gets the rollout revision the caller based its decision on, or <see langword="null"/> to skip the check. A different
    /// current revision throws <see cref="RegistryConflictException"/>.
    /// </summary>
    public long? ExpectedRevision { get; init; }

    /// <summary>Gets the new candidate, for <see cref="RolloutAction.Restarted"/> only.</summary>
    public ModelVersion? Candidate { get; init; }

    /// <summary>Gets the gates of the promotion, for <see cref="RolloutAction.Promoted"/> only.</summary>
    public IReadOnlyList<PromotionGate>? Gates { get; init; }

    /// <summary>Gets who decides; <see langword="null"/> uses the configured default actor.</summary>
    public string? Actor { get; init; }
}
