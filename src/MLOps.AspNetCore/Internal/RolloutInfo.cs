namespace MLOps.AspNetCore.Internal;

/// <summary>
/// A rollout as the endpoints return it: its arms, weights, state, analysis settings and decisions. A class with init
/// properties, so figures (such as per-arm request, error and latency figures) can be added without breaking callers.
/// </summary>
internal sealed record RolloutInfo
{
    /// <summary>Gets the rollout's id (used in the management routes).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the model.</summary>
    public required string Model { get; init; }

    /// <summary>Gets the serving alias a promotion moves to the candidate.</summary>
    public required string Alias { get; init; }

    /// <summary>Gets the strategy: canary, blue_green, experiment or shadow.</summary>
    public required RolloutStrategy Strategy { get; init; }

    /// <summary>Gets the state: progressing, paused, awaiting_approval, succeeded, rolled_back or aborted.</summary>
    public required RolloutState State { get; init; }

    /// <summary>Gets whether the rollout is still running.</summary>
    public required bool IsActive { get; init; }

    /// <summary>Gets the version that held the alias when the rollout started.</summary>
    public required int Primary { get; init; }

    /// <summary>Gets the candidate version.</summary>
    public required int Candidate { get; init; }

    /// <summary>Gets the candidate's weight in percent at each step.</summary>
    public required IReadOnlyList<int> Steps { get; init; }

    /// <summary>Gets the index of the current step.</summary>
    public required int Step { get; init; }

    /// <summary>Gets the candidate's current weight in percent (the mirrored share for a shadow).</summary>
    public required int CandidateWeight { get; init; }

    /// <summary>Gets the predictions that warm the candidate up before it receives weight.</summary>
    public required int WarmupPredictions { get; init; }

    /// <summary>Gets the analysis settings.</summary>
    public required RolloutAnalysis Analysis { get; init; }

    /// <summary>Gets the decisions, oldest first: the first one and the latest (the registry bounds the history).</summary>
    public required IReadOnlyList<RolloutDecision> Decisions { get; init; }

    /// <summary>Gets how many decisions between the first and the latest kept ones were dropped.</summary>
    public long DroppedDecisions { get; init; }

    /// <summary>Gets the revision (send it back as <c>expectedRevision</c> to act on exactly this state).</summary>
    public required long Revision { get; init; }

    /// <summary>Gets who started the rollout.</summary>
    public required string CreatedBy { get; init; }

    /// <summary>Gets when it started.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when it last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>
    /// Gets this replica's latest analysis of the rollout (per-arm figures), or <see langword="null"/> when the app runs no
    /// rollout analysis or it has not looked at this rollout yet.
    /// </summary>
    public RolloutAnalysisInfo? Status { get; init; }

    internal static RolloutInfo From(Rollout r) => new()
    {
        Id = r.Id,
        Model = r.Name.Value,
        Alias = r.Alias.Value,
        Strategy = r.Strategy,
        State = r.State,
        IsActive = r.IsActive,
        Primary = r.Primary.Number,
        Candidate = r.Candidate.Number,
        Steps = r.Steps,
        Step = r.Step,
        CandidateWeight = r.CandidateWeight,
        WarmupPredictions = r.WarmupPredictions,
        Analysis = r.Analysis,
        Decisions = r.Decisions,
        DroppedDecisions = r.DroppedDecisions,
        Revision = r.Revision,
        CreatedBy = r.CreatedBy,
        CreatedAt = r.CreatedAt,
        UpdatedAt = r.UpdatedAt,
    };
}
