namespace MLOps;

/// <summary>Changes a version's description, tags, metrics, parameters or feature importance.</summary>
/// <param name="Name">The model name.</param>
/// <param name="Version">The version.</param>
public sealed record UpdateVersionRequest(ModelName Name, ModelVersion Version)
{
    /// <summary>Gets the new description, or <see langword="null"/> to keep it.</summary>
    public string? Description { get; init; }

    /// <summary>Gets tags to add or overwrite.</summary>
    public IReadOnlyDictionary<string, string>? SetTags { get; init; }

    /// <summary>Gets tag keys to remove.</summary>
    public IReadOnlyList<string>? RemoveTags { get; init; }

    /// <summary>Gets metrics to log; a metric logged again takes the new value.</summary>
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }

    /// <summary>
    /// Gets parameters to log. Parameters are write-once: logging a parameter that already exists throws
    /// <see cref="ModelRegistryException"/> with <see cref="RegistryErrorCode.ParamAlreadyLogged"/> and changes nothing.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Params { get; init; }

    /// <summary>
    /// Gets the permutation feature importance that replaces the version's (an empty list removes it), or
    /// <see langword="null"/> to keep it. Compute it with <see cref="PermutationFeatureImportance"/>.
    /// </summary>
    public IReadOnlyList<FeatureImportance>? FeatureImportance { get; init; }

    /// <summary>Gets who makes the change; <see langword="null"/> uses the configured default actor.</summary>
    public string? Actor { get; init; }

    /// <summary>Gets why, or <see langword="null"/>.</summary>
    public string? Reason { get; init; }
}
