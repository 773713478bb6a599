namespace MLOps;

/// <summary>A dataset a run used: what it was, a digest that identifies its content, and what it was used for.</summary>
/// <param name="Name">The dataset name, such as <c>taxi-trips-2026-11</c> (1 to 250 printable characters).</param>
/// <param name="Digest">A digest of the content, such as <c>sha256:…</c> (1 to 250 printable characters).</param>
public sealed record DatasetInput(string Name, string Digest)
{
    /// <summary>The <see cref="Context"/> of training data: <c>training</c>.</summary>
    public const string TrainingContext = "training";

    /// <summary>The <see cref="Context"/> of evaluation (hold-out) data: <c>evaluation</c>.</summary>
    public const string EvaluationContext = "evaluation";

    /// <summary>Gets where the data came from (a path, URI or query), or <see langword="null"/>.</summary>
    public string? Source { get; init; }

    /// <summary>Gets the columns of the data, or <see langword="null"/>.</summary>
    public IReadOnlyList<SignatureColumn>? Schema { get; init; }

    /// <summary>Gets the number of rows, or <see langword="null"/> if unknown.</summary>
    public long? RowCount { get; init; }

    /// <summary>
    /// Gets what the run used the data for, such as <see cref="TrainingContext"/> or <see cref="EvaluationContext"/>, or
    /// <see langword="null"/>.
    /// </summary>
    public string? Context { get; init; }
}
