namespace MLOps;

/// <summary>One decision of a rollout, kept in its history with the reason.</summary>
public sealed record RolloutDecision
{
    /// <summary>Gets what was decided.</summary>
    public required RolloutAction Action { get; init; }

    /// <summary>Gets when.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets the index of the step in <see cref="Rollout.Steps"/> after the decision.</summary>
    public required int Step { get; init; }

    /// <summary>Gets the candidate's weight, in percent, after the decision.</summary>
    public required int CandidateWeight { get; init; }

    /// <summary>Gets why, in words (for example the failed check with its figures).</summary>
    public required string Reason { get; init; }

    /// <summary>Gets who decided: an operator, or the analysis.</summary>
    public string Actor { get; init; } = string.Empty;
}
