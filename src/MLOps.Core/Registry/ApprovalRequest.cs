namespace MLOps;

/// <summary>Requests approval to promote a version to an alias (see <see cref="ApprovalRequiredGate"/>).</summary>
/// <param name="Name">The model name.</param>
/// <param name="Version">The version.</param>
/// <param name="Alias">The alias.</param>
public sealed record ApprovalRequest(ModelName Name, ModelVersion Version, ModelAlias Alias)
{
    /// <summary>Gets why, or <see langword="null"/>.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets who requests; <see langword="null"/> uses the configured default actor.</summary>
    public string? Actor { get; init; }
}
