namespace MLOps;

/// <summary>One version of a registered model: its artifacts, metrics, parameters, tags, signature and lineage.</summary>
public sealed record RegisteredModelVersion
{
    /// <summary>Gets the model name.</summary>
    public required ModelName Name { get; init; }

    /// <summary>Gets the version number.</summary>
    public required ModelVersion Version { get; init; }

    /// <summary>Gets the status.</summary>
    public ModelVersionStatus Status { get; init; }

    /// <summary>Gets why the version failed, or <see langword="null"/>.</summary>
    public string? StatusMessage { get; init; }

    /// <summary>Gets the description, or <see langword="null"/>.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the stored artifacts with their SHA-256 (empty while <see cref="ModelVersionStatus.Pending"/>).</summary>
    public IReadOnlyList<ArtifactDescriptor> Artifacts { get; init; } = [];

    /// <summary>Gets the path of the artifact that is served (the ML.NET model zip).</summary>
    public string PrimaryArtifactPath { get; init; } = ModelArtifact.DefaultPath;

    /// <summary>Gets the metrics (name to value); a metric can be logged again, the last value wins.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Gets the training parameters (name to value); each is written once.</summary>
    public IReadOnlyDictionary<string, string> Params { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the tags (key to value).</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the input and output schema, or <see langword="null"/> when not recorded.</summary>
    public ModelSignature? Signature { get; init; }

    /// <summary>Gets where the version came from, or <see langword="null"/> when not recorded.</summary>
    public ModelLineage? Lineage { get; init; }

    /// <summary>Gets the stored reference profile (for drift detection), or <see langword="null"/>.</summary>
    public ArtifactDescriptor? ReferenceProfile { get; init; }

    /// <summary>Gets the media type of <see cref="ReferenceProfile"/>, or <see langword="null"/>.</summary>
    public string? ReferenceProfileContentType { get; init; }

    /// <summary>
    /// Gets the permutation feature importance measured on the version's evaluation data, most important first, or an
    /// empty list when none was computed (see <see cref="FeatureImportanceComparison"/> to compare two versions).
    /// </summary>
    public IReadOnlyList<FeatureImportance> FeatureImportance { get; init; } = [];

    /// <summary>Gets when the version was registered.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the version last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Gets who registered the version.</summary>
    public string CreatedBy { get; init; } = string.Empty;

    /// <summary>
    /// Gets the version's format (<see cref="ModelFormats.Onnx"/>, or the name of a format added with
    /// <c>AddModelFormat</c>): its <see cref="ModelFormats.Tag"/> tag, which the registry records when a format claims the
    /// primary artifact's file name, or <see langword="null"/> for an ML.NET model (the default).
    /// </summary>
    public string? Format => Tags.TryGetValue(ModelFormats.Tag, out string? format) ? format : null;

    /// <summary>Gets the descriptor of the primary artifact, or <see langword="null"/> while none is stored.</summary>
    public ArtifactDescriptor? PrimaryArtifact
    {
        get
        {
            foreach (ArtifactDescriptor artifact in Artifacts)
            {
                if (artifact.Path == PrimaryArtifactPath)
                {
                    return artifact;
                }
            }

            return null;
        }
    }
}
