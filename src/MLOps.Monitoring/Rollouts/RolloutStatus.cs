using MLOps.Monitoring.Statistics;

namespace MLOps.Monitoring.Rollouts;

/// <summary>The latest analysis of a model's rollout: its arms' figures and what the analysis concluded.</summary>
public sealed record RolloutStatus
{
    /// <summary>Gets the model.</summary>
    public required ModelName ModelName { get; init; }

    /// <summary>Gets the rollout's id.</summary>
    public required string RolloutId { get; init; }

    /// <summary>Gets the rollout's strategy.</summary>
    public required RolloutStrategy Strategy { get; init; }

    /// <summary>Gets the rollout's state after the analysis.</summary>
    public required RolloutState State { get; init; }

    /// <summary>Gets the rollout's step (index into its steps) after the analysis.</summary>
    public int Step { get; init; }

    /// <summary>Gets the candidate's share of traffic in percent after the analysis.</summary>
    public int CandidateWeight { get; init; }

    /// <summary>Gets the primary arm.</summary>
    public required RolloutArmStatus Primary { get; init; }

    /// <summary>Gets the candidate arm (the shadow for a shadow rollout).</summary>
    public required RolloutArmStatus Candidate { get; init; }

    /// <summary>Gets how many soft checks failed in a row (rolled back at <see cref="RolloutAnalysis.FailureThreshold"/>).</summary>
    public int ConsecutiveFailures { get; init; }

    /// <summary>Gets what the latest analysis concluded, in words (for example <c>waiting for data: …</c>).</summary>
    public required string Summary { get; init; }

    /// <summary>Gets the latest decision the analysis recorded on the rollout, or <see langword="null"/>.</summary>
    public RolloutDecision? LastDecision { get; init; }

    /// <summary>Gets, for an experiment, the p-value of the sample-ratio-mismatch test (a mismatch below 0.001 raises an alert).</summary>
    public double? SampleRatioPValue { get; init; }

    /// <summary>
    /// Gets, for an experiment, the latest look of the always-valid sequential test (mSPRT) at the per-prediction measure
    /// (control: the primary, treatment: the candidate): the effect, its confidence sequence, the p-value and the decision.
    /// </summary>
    public SequentialTestResult? Experiment { get; init; }

    /// <summary>Gets whether the analysis is paused because the registry could not be reached; it never decides blind.</summary>
    public bool Paused { get; init; }

    /// <summary>Gets when the analysis ran.</summary>
    public required DateTimeOffset EvaluatedAt { get; init; }
}
