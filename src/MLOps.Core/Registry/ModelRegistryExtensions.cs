namespace MLOps;

/// <summary>Shortcuts for common <see cref="IModelRegistry"/> calls.</summary>
public static class ModelRegistryExtensions
{
    /// <summary>Registers an ML.NET model zip as a new version (creating the registered model if missing).</summary>
    /// <param name="registry">The registry.</param>
    /// <param name="name">The model name.</param>
    /// <param name="modelPath">The path of the model zip, stored as <c>model.zip</c>.</param>
    /// <param name="metrics">The evaluation metrics, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The ready version.</returns>
    public static Task<RegisteredModelVersion> RegisterVersionAsync(
        this IModelRegistry registry, string name, string modelPath, IReadOnlyDictionary<string, double>? metrics = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ModelName modelName = ModelName.Parse(name, nameof(name));
        return registry.RegisterVersionAsync(
            new RegisterVersionRequest(modelName, [ModelArtifact.FromFile(modelPath, ModelArtifact.DefaultPath)]) { Metrics = metrics },
            cancellationToken);
    }

    /// <summary>Points <paramref name="alias"/> at <paramref name="version"/>.</summary>
    /// <param name="registry">The registry.</param>
    /// <param name="name">The model name.</param>
    /// <param name="version">The version.</param>
    /// <param name="alias">The alias.</param>
    /// <param name="reason">Why, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The new alias history entry.</returns>
    public static Task<AliasHistoryEntry> PromoteAsync(
        this IModelRegistry registry, string name, int version, string alias, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var request = new PromoteRequest(ModelName.Parse(name, nameof(name)), new ModelVersion(version), ModelAlias.Parse(alias, nameof(alias)))
        {
            Reason = reason,
        };
        return registry.PromoteAsync(request, cancellationToken);
    }

    /// <summary>Moves <paramref name="alias"/> back to its previous holder.</summary>
    /// <param name="registry">The registry.</param>
    /// <param name="name">The model name.</param>
    /// <param name="alias">The alias.</param>
    /// <param name="reason">Why, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The new alias history entry.</returns>
    public static Task<AliasHistoryEntry> RollbackAsync(
        this IModelRegistry registry, string name, string alias, string? reason = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry.RollbackAsync(
            new RollbackRequest(ModelName.Parse(name, nameof(name)), ModelAlias.Parse(alias, nameof(alias))) { Reason = reason },
            cancellationToken);
    }

    /// <summary>Reads a whole artifact into memory, verified against its SHA-256 and length.</summary>
    /// <param name="registry">The registry.</param>
    /// <param name="name">The model name.</param>
    /// <param name="version">The version.</param>
    /// <param name="path">The artifact path, or <see langword="null"/> for the primary artifact.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The content.</returns>
    /// <exception cref="ArtifactIntegrityException">The artifact is tampered with or truncated.</exception>
    public static async Task<byte[]> ReadArtifactAsync(
        this IModelRegistry registry, ModelName name, ModelVersion version, string? path = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        Stream stream = await registry.OpenArtifactAsync(name, version, path, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }
    }
}
