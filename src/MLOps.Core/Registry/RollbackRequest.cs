namespace MLOps;

/// <summary>
/// Moves an alias back to its previous holder. Rollbacks unwind promotions like a stack: after promoting 1, 2, 3, a
/// rollback moves the alias to 2 and a second rollback to 1.
/// </summary>
/// <param name="Name">The model name.</param>
/// <param name="Alias">The alias.</param>
public sealed record RollbackRequest(ModelName Name, ModelAlias Alias)
{
    /// <summary>Gets why, or <see langword="null"/>.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets the alias revision the caller expects, or <see langword="null"/> to skip the check.</summary>
    public long? ExpectedRevision { get; init; }

    /// <summary>Gets who rolls back; <see langword="null"/> uses the configured default actor.</summary>
    public string? Actor { get; init; }
}
