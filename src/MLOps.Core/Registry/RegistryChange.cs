namespace MLOps;

/// <summary>A change event of the registry, delivered to subscribers (serving replicas reload when an alias moves).</summary>
/// <param name="Kind">What changed.</param>
/// <param name="Name">The model.</param>
/// <param name="Version">The version concerned, or <see langword="null"/>.</param>
/// <param name="Alias">The alias concerned, or <see langword="null"/>.</param>
public sealed record RegistryChange(RegistryChangeKind Kind, ModelName Name, ModelVersion? Version = null, ModelAlias? Alias = null);
