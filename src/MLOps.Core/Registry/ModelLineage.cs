namespace MLOps;

/// <summary>Where a model version came from: the training run, data, code and what triggered it.</summary>
public sealed record ModelLineage
{
    /// <summary>Gets the identifier of the training run (experiment tracking), or <see langword="null"/>.</summary>
    public string? RunId { get; init; }

    /// <summary>Gets the name of the training dataset, or <see langword="null"/>.</summary>
    public string? DatasetName { get; init; }

    /// <summary>Gets a digest of the training dataset (for example <c>sha256:…</c>), or <see langword="null"/>.</summary>
    public string? DatasetDigest { get; init; }

    /// <summary>Gets the number of training rows, or <see langword="null"/>.</summary>
    public long? DatasetRowCount { get; init; }

    /// <summary>Gets the version this one was derived from (for example the champion it retrains), or <see langword="null"/>.</summary>
    public ModelVersion? ParentVersion { get; init; }

    /// <summary>Gets the version of the training code (a commit id or package version), or <see langword="null"/>.</summary>
    public string? CodeVersion { get; init; }

    /// <summary>Gets what triggered training (<c>manual</c>, <c>schedule</c>, <c>drift</c>, …), or <see langword="null"/>.</summary>
    public string? Trigger { get; init; }

    /// <summary>Gets a human-readable reason, or <see langword="null"/>.</summary>
    public string? Reason { get; init; }
}
