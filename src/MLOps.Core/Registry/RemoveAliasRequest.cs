namespace MLOps;

/// <summary>Removes an alias (its history is kept).</summary>
/// <param name="Name">The model name.</param>
/// <param name="Alias">The alias.</param>
public sealed record RemoveAliasRequest(ModelName Name, ModelAlias Alias)
{
    /// <summary>Gets why, or <see langword="null"/>.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets the alias revision the caller expects, or <see langword="null"/> to skip the check.</summary>
    public long? ExpectedRevision { get; init; }

    /// <summary>Gets who removes it; <see langword="null"/> uses the configured default actor.</summary>
    public string? Actor { get; init; }
}
