namespace MLOps;

/// <summary>Changes a registered model's description or tags.</summary>
/// <param name="Name">The model name.</param>
public sealed record UpdateModelRequest(ModelName Name)
{
    /// <summary>Gets the new description, or <see langword="null"/> to keep it.</summary>
    public string? Description { get; init; }

    /// <summary>Gets tags to add or overwrite.</summary>
    public IReadOnlyDictionary<string, string>? SetTags { get; init; }

    /// <summary>Gets tag keys to remove.</summary>
    public IReadOnlyList<string>? RemoveTags { get; init; }

    /// <summary>Gets who makes the change; <see langword="null"/> uses the configured default actor.</summary>
    public string? Actor { get; init; }

    /// <summary>Gets why, or <see langword="null"/>.</summary>
    public string? Reason { get; init; }
}
