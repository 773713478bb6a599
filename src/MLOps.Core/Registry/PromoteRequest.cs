namespace MLOps;

/// <summary>Points an alias at a ready version, if every gate passes.</summary>
/// <param name="Name">The model name.</param>
/// <param name="Version">The version to promote.</param>
/// <param name="Alias">The alias.</param>
public sealed record PromoteRequest(ModelName Name, ModelVersion Version, ModelAlias Alias)
{
    /// <summary>Gets why, or <see langword="null"/> (recorded in the alias history and audit trail).</summary>
    public string? Reason { get; init; }

    /// <summary>Gets the gates that must all pass; a failure throws <see cref="PromotionRejectedException"/> listing every failed gate.</summary>
    public IReadOnlyList<PromotionGate>? Gates { get; init; }

    /// <summary>
    /// Gets the alias revision the caller based its decision on (0 = the alias was never assigned), or
    /// <see langword="null"/> to skip the check. A different current revision throws <see cref="RegistryConflictException"/>.
    /// </summary>
    public long? ExpectedRevision { get; init; }

    /// <summary>Gets who promotes; <see langword="null"/> uses the configured default actor.</summary>
    public string? Actor { get; init; }
}
