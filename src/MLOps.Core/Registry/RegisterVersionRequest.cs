namespace MLOps;

/// <summary>Registers a new version of a model with its artifacts and metadata.</summary>
/// <param name="Name">The model name.</param>
/// <param name="Artifacts">
/// The files to store (at least one). The primary one is served. Paths must be unique ignoring case, and no path may also
/// be a folder of another (<c>model</c> and <c>model/weights.bin</c>): such sets are refused with an
/// <see cref="System.ArgumentException"/> before anything is stored, so every registry can keep them as files.
/// </param>
/// <remarks>
/// Registration allocates the next version number as <see cref="ModelVersionStatus.Pending"/>, stores the artifacts
/// with their SHA-256 and then marks the version <see cref="ModelVersionStatus.Ready"/>. If storing fails the exception
/// is rethrown and the version is either marked <see cref="ModelVersionStatus.Failed"/> (file system: the number stays
/// used) or not created at all (backends that store artifacts in the same transaction); either way it is never served.
/// A missing registered model is created automatically unless <see cref="CreateModelIfMissing"/> is <see langword="false"/>.
/// </remarks>
public sealed record RegisterVersionRequest(ModelName Name, IReadOnlyList<ModelArtifact> Artifacts)
{
    /// <summary>Gets the path of the artifact that is served; <see langword="null"/> means the only artifact, or <c>model.zip</c>.</summary>
    public string? PrimaryArtifactPath { get; init; }

    /// <summary>Gets the description, or <see langword="null"/>.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the evaluation metrics.</summary>
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }

    /// <summary>Gets the training parameters (write-once).</summary>
    public IReadOnlyDictionary<string, string>? Params { get; init; }

    /// <summary>Gets the tags.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>Gets the input and output schema, or <see langword="null"/>.</summary>
    public ModelSignature? Signature { get; init; }

    /// <summary>Gets the lineage, or <see langword="null"/>.</summary>
    public ModelLineage? Lineage { get; init; }

    /// <summary>Gets the permutation feature importance to store with the version, or <see langword="null"/>.</summary>
    public IReadOnlyList<FeatureImportance>? FeatureImportance { get; init; }

    /// <summary>Gets a reference profile to store with the version, or <see langword="null"/>.</summary>
    public ReferenceProfileBlob? ReferenceProfile { get; init; }

    /// <summary>Gets whether a missing registered model is created; when <see langword="false"/> a missing model is an error.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool CreateModelIfMissing { get; init; } = true;

    /// <summary>Gets who registers the version; <see langword="null"/> uses the configured default actor.</summary>
    public string? Actor { get; init; }
}
