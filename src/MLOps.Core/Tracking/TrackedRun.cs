namespace MLOps;

/// <summary>One run of an experiment (typically one training): its parameters, metrics, tags, dataset inputs and artifacts.</summary>
public sealed record TrackedRun
{
    /// <summary>Gets the run identifier: 32 lowercase hexadecimal digits, unique across experiments.</summary>
    public required string RunId { get; init; }

    /// <summary>Gets the name of the experiment the run belongs to.</summary>
    public required string ExperimentName { get; init; }

    /// <summary>Gets the human-readable run name, or <see langword="null"/>.</summary>
    public string? RunName { get; init; }

    /// <summary>Gets the state.</summary>
    public RunStatus Status { get; init; }

    /// <summary>Gets when the run started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets when the run ended, or <see langword="null"/> while it is <see cref="RunStatus.Running"/>.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Gets the error a <see cref="RunStatus.Failed"/> or <see cref="RunStatus.Killed"/> run ended with, or <see langword="null"/>.</summary>
    public string? Error { get; init; }

    /// <summary>Gets the parameters (write-once).</summary>
    public IReadOnlyDictionary<string, string> Params { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Gets the latest value of each metric: the point with the highest step, and among those the latest timestamp (the
    /// full history is <see cref="IExperimentTracker.GetMetricHistoryAsync"/>).
    /// </summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Gets the tags.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the datasets the run logged, in logging order.</summary>
    public IReadOnlyList<DatasetInput> Datasets { get; init; } = [];

    /// <summary>Gets the artifacts the run stored, ordered by path.</summary>
    public IReadOnlyList<RunArtifact> Artifacts { get; init; } = [];
}
