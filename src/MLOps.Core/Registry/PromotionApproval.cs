namespace MLOps;

/// <summary>A request to promote a version to an alias and its decision, recorded with who and why.</summary>
public sealed record PromotionApproval
{
    /// <summary>Gets the identifier of the request (unique within the model).</summary>
    public required string Id { get; init; }

    /// <summary>Gets the model name.</summary>
    public required ModelName Name { get; init; }

    /// <summary>Gets the version to promote.</summary>
    public required ModelVersion Version { get; init; }

    /// <summary>Gets the alias to promote it to.</summary>
    public required ModelAlias Alias { get; init; }

    /// <summary>Gets the state.</summary>
    public ApprovalState State { get; init; }

    /// <summary>Gets who requested it.</summary>
    public string RequestedBy { get; init; } = string.Empty;

    /// <summary>Gets when it was requested.</summary>
    public DateTimeOffset RequestedAt { get; init; }

    /// <summary>Gets why it was requested, or <see langword="null"/>.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets who decided, or <see langword="null"/> while pending.</summary>
    public string? DecidedBy { get; init; }

    /// <summary>Gets when it was decided, or <see langword="null"/> while pending.</summary>
    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>Gets why it was approved or rejected, or <see langword="null"/>.</summary>
    public string? DecisionReason { get; init; }
}
