namespace MLOps.Internal.Rollouts;

/// <summary>
/// A model source that also knows the active rollout of what it serves, and can load the rollout's candidate: the
/// registry source of an alias. The runtime asks it after every load of the primary (startup, change events, the poll).
/// </summary>
internal interface IRolloutSource
{
    /// <summary>Gets whether the source follows rollouts at all (a registry source of an alias does; of a fixed version, not).</summary>
    bool FollowsRollouts { get; }

    /// <summary>Gets the active rollout of the served alias, or <see langword="null"/>.</summary>
    /// <exception cref="Exception">The registry cannot be read: the runtime keeps the last known rollout and weights.</exception>
    Task<Rollout?> GetActiveRolloutAsync(CancellationToken cancellationToken);

    /// <summary>Loads one version of the served model (the candidate); never returns "unchanged".</summary>
    /// <exception cref="ModelLoadException">The version cannot be loaded.</exception>
    ValueTask<LoadedModel> LoadVersionAsync(ModelVersion version, ModelLoadContext context, CancellationToken cancellationToken);
}
