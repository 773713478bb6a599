namespace MLOps;

/// <summary>Creates a registered model.</summary>
/// <param name="Name">The model name.</param>
public sealed record CreateModelRequest(ModelName Name)
{
    /// <summary>Gets the description, or <see langword="null"/>.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the initial tags.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>Gets who creates the model; <see langword="null"/> uses the registry's configured default actor.</summary>
    public string? Actor { get; init; }
}
