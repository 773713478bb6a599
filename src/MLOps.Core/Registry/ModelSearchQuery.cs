namespace MLOps;

/// <summary>Filters for <see cref="IModelRegistry.SearchModelsAsync(ModelSearchQuery?, CancellationToken)"/>; all given filters must match.</summary>
public sealed record ModelSearchQuery
{
    /// <summary>Gets a name prefix (ordinal, case-sensitive), or <see langword="null"/>.</summary>
    public string? NamePrefix { get; init; }

    /// <summary>Gets a tag key the model must have, or <see langword="null"/>.</summary>
    public string? TagKey { get; init; }

    /// <summary>Gets the value the tag <see cref="TagKey"/> must have, or <see langword="null"/> for any value.</summary>
    public string? TagValue { get; init; }

    /// <summary>Gets an alias the model must have assigned, or <see langword="null"/>.</summary>
    public ModelAlias? Alias { get; init; }

    /// <summary>Gets a time the model must have been created after (exclusive), or <see langword="null"/>.</summary>
    public DateTimeOffset? CreatedAfter { get; init; }
}
