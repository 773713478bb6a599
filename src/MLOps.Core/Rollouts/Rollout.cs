namespace MLOps;

/// <summary>
/// A rollout: a candidate version put in front of live traffic beside the primary (the holder of the serving alias), with
/// its weights, its state and the history of its decisions. Stored in the registry, revisioned, audited and published as
/// <see cref="RegistryChangeKind.RolloutChanged"/>, so every replica applies the same weights.
/// </summary>
public sealed record Rollout
{
    /// <summary>Gets the rollout's id, unique in the registry (it also seeds the sticky assignment of keys to arms).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the model.</summary>
    public required ModelName Name { get; init; }

    /// <summary>Gets the serving alias; a promotion moves it to <see cref="Candidate"/>.</summary>
    public required ModelAlias Alias { get; init; }

    /// <summary>Gets the strategy.</summary>
    public required RolloutStrategy Strategy { get; init; }

    /// <summary>Gets the version that held <see cref="Alias"/> when the rollout started.</summary>
    public required ModelVersion Primary { get; init; }

    /// <summary>Gets the candidate version.</summary>
    public required ModelVersion Candidate { get; init; }

    /// <summary>
    /// Gets the candidate's weight, in percent, at each step, strictly increasing (a shadow's steps are the mirrored share).
    /// </summary>
    public required IReadOnlyList<int> Steps { get; init; }

    /// <summary>Gets the index of the current step in <see cref="Steps"/>.</summary>
    public int Step { get; init; }

    /// <summary>
    /// Gets the candidate's current weight in percent: the share of requests it answers, or for a shadow the share mirrored
    /// to it. 0 once the rollout is rolled back or aborted.
    /// </summary>
    public int CandidateWeight { get; init; }

    /// <summary>Gets the number of predictions that warm the candidate up before it receives any weight.</summary>
    public int WarmupPredictions { get; init; }

    /// <summary>Gets the state.</summary>
    public RolloutState State { get; init; }

    /// <summary>Gets the analysis settings.</summary>
    public RolloutAnalysis Analysis { get; init; } = new();

    /// <summary>
    /// Gets the decisions, oldest first: the first one (<see cref="RolloutAction.Started"/>) and the latest ones, up to the
    /// registry's <c>MaxRolloutDecisions</c>; older decisions in between are dropped and counted in <see cref="DroppedDecisions"/>.
    /// </summary>
    public IReadOnlyList<RolloutDecision> Decisions { get; init; } = [];

    /// <summary>
    /// Gets how many decisions were dropped from <see cref="Decisions"/> to bound a long rollout's history (they were
    /// between the first decision and the latest kept ones; the audit trail still has each of them).
    /// </summary>
    public long DroppedDecisions { get; init; }

    /// <summary>Gets the revision: 1 when started, incremented by every update (see <see cref="UpdateRolloutRequest.ExpectedRevision"/>).</summary>
    public long Revision { get; init; }

    /// <summary>Gets who started the rollout.</summary>
    public string CreatedBy { get; init; } = string.Empty;

    /// <summary>Gets when it started.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Gets whether the rollout is still running (progressing, paused or awaiting approval).</summary>
    public bool IsActive => State is RolloutState.Progressing or RolloutState.Paused or RolloutState.AwaitingApproval;
}
