namespace MLOps;

/// <summary>One move of an alias, kept forever so the alias's history can be audited and rolled back.</summary>
public sealed record AliasHistoryEntry
{
    /// <summary>Gets the model name.</summary>
    public required ModelName Name { get; init; }

    /// <summary>Gets the alias.</summary>
    public required ModelAlias Alias { get; init; }

    /// <summary>
    /// Gets the alias's revision after this move: 1 for its first assignment, incremented by every move. Pass the
    /// revision you read as <see cref="PromoteRequest.ExpectedRevision"/> for optimistic concurrency.
    /// </summary>
    public required long Revision { get; init; }

    /// <summary>Gets how the alias moved.</summary>
    public required AliasAction Action { get; init; }

    /// <summary>Gets the version the alias points to after the move, or <see langword="null"/> if it was removed.</summary>
    public ModelVersion? Version { get; init; }

    /// <summary>Gets the version the alias pointed to before the move, or <see langword="null"/>.</summary>
    public ModelVersion? PreviousVersion { get; init; }

    /// <summary>Gets who moved the alias.</summary>
    public string Actor { get; init; } = string.Empty;

    /// <summary>Gets why, or <see langword="null"/>.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets when.</summary>
    public DateTimeOffset Timestamp { get; init; }
}
