namespace MLOps;

/// <summary>Starts a rollout of a candidate version against the current holder of a serving alias.</summary>
/// <param name="Name">The model.</param>
/// <param name="Candidate">The candidate version; it must be ready, differ from the alias's holder and share its signature.</param>
/// <param name="Strategy">The strategy.</param>
public sealed record StartRolloutRequest(ModelName Name, ModelVersion Candidate, RolloutStrategy Strategy)
{
    /// <summary>Gets the serving alias; it must point to a version (the primary).</summary>
    /// <value>The default is <see cref="ModelAlias.Champion"/>.</value>
    public ModelAlias Alias { get; init; } = ModelAlias.Champion;

    /// <summary>
    /// Gets the candidate's weight in percent at each step, strictly increasing, each in 1–100; <see langword="null"/> uses the
    /// strategy's default: canary 10, 25, 50; blue-green 100; experiment 50; shadow 100 (mirror every request).
    /// </summary>
    public IReadOnlyList<int>? Steps { get; init; }

    /// <summary>Gets the analysis settings, or <see langword="null"/> for the defaults.</summary>
    public RolloutAnalysis? Analysis { get; init; }

    /// <summary>Gets the number of predictions that warm the candidate up before it receives any weight (0–100,000).</summary>
    public int WarmupPredictions { get; init; }

    /// <summary>Gets why, or <see langword="null"/> (recorded in the first decision and the audit trail).</summary>
    public string? Reason { get; init; }

    /// <summary>Gets who starts it; <see langword="null"/> uses the configured default actor.</summary>
    public string? Actor { get; init; }
}
