namespace MLOps;

/// <summary>A registered model: a name with a description, tags, aliases and numbered versions.</summary>
public sealed record RegisteredModel
{
    /// <summary>Gets the model name.</summary>
    public required ModelName Name { get; init; }

    /// <summary>Gets the description, or <see langword="null"/>.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the tags (key to value).</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the aliases and the versions they point to.</summary>
    public IReadOnlyDictionary<ModelAlias, ModelVersion> Aliases { get; init; } = new Dictionary<ModelAlias, ModelVersion>();

    /// <summary>Gets the highest version number allocated so far, or <see langword="null"/> if no version was registered.</summary>
    public ModelVersion? LatestVersion { get; init; }

    /// <summary>Gets when the model was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the model, its tags or its aliases last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Gets who created the model.</summary>
    public string CreatedBy { get; init; } = string.Empty;
}
