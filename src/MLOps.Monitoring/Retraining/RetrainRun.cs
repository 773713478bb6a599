namespace MLOps.Monitoring.Retraining;

/// <summary>The result of one retrain attempt.</summary>
/// <param name="Trigger">What started it.</param>
/// <param name="Attempt">The attempt number for this trigger, from 1.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="StartedAt">When the attempt started.</param>
/// <param name="CompletedAt">When it ended.</param>
/// <param name="CandidateVersion">The registered version, when the candidate got that far.</param>
/// <param name="ChampionVersion">The version that held the champion alias when the attempt started, if any.</param>
/// <param name="CandidateMetrics">The candidate's hold-out metrics (empty if it failed before evaluation).</param>
/// <param name="ChampionMetrics">The champion's metrics on the same hold-out (empty without a champion).</param>
/// <param name="Error">The failure, for <see cref="RetrainOutcome.Failed"/>.</param>
public sealed record RetrainRun(
    RetrainTrigger Trigger,
    int Attempt,
    RetrainOutcome Outcome,
    DateTimeOffset StartedAt,
    DateTimeOffset CompletedAt,
    ModelVersion? CandidateVersion,
    ModelVersion? ChampionVersion,
    IReadOnlyDictionary<string, double> CandidateMetrics,
    IReadOnlyDictionary<string, double> ChampionMetrics,
    string? Error)
{
    /// <summary>
    /// Gets the experiment-tracker run that recorded the attempt (also the candidate's <see cref="ModelLineage.RunId"/>),
    /// or <see langword="null"/> when no <see cref="IExperimentTracker"/> is registered or the attempt failed before the run started.
    /// </summary>
    public string? RunId { get; init; }

    /// <summary>Gets the id of the rollout started for the candidate (outcome <see cref="RetrainOutcome.RolloutStarted"/>), or <see langword="null"/>.</summary>
    public string? RolloutId { get; init; }
}
