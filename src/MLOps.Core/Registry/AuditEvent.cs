namespace MLOps;

/// <summary>One mutation of the registry: who did what to which target, when and why, with the state before and after.</summary>
public sealed record AuditEvent
{
    /// <summary>Gets when the mutation happened.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets who made it (a user, service or pipeline name).</summary>
    public required string Actor { get; init; }

    /// <summary>Gets what was done; one of the <see cref="AuditActions"/> constants.</summary>
    public required string Action { get; init; }

    /// <summary>Gets the model the mutation concerns.</summary>
    public required ModelName Model { get; init; }

    /// <summary>Gets the target within the model, such as <c>taxi/3</c>, <c>taxi@champion</c> or <c>taxi</c>.</summary>
    public required string Target { get; init; }

    /// <summary>Gets a compact description of the state before, or <see langword="null"/>.</summary>
    public string? Before { get; init; }

    /// <summary>Gets a compact description of the state after, or <see langword="null"/>.</summary>
    public string? After { get; init; }

    /// <summary>Gets why, or <see langword="null"/>.</summary>
    public string? Reason { get; init; }
}
