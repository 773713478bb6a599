using MLOps.Monitoring.Profiles;

namespace MLOps.Monitoring.Drift;

/// <summary>
/// Supplies the reference profile of the model version being served (for example from the model registry, where the
/// profile is stored with each version). Drift monitoring uses it when no reference was given explicitly with
/// <see cref="DriftMonitoringBuilder.UseReference(ReferenceProfile)"/> or its overloads, asking again whenever the
/// served version changes (a hot swap restarts the window).
/// </summary>
public interface IReferenceProfileProvider
{
    /// <summary>Gets the reference profile of a model version.</summary>
    /// <param name="modelName">The model name.</param>
    /// <param name="version">The version being served.</param>
    /// <param name="cancellationToken">A token that cancels the lookup.</param>
    /// <returns>The profile, or <see langword="null"/> if the version has none (monitoring then waits for the next version).</returns>
    ValueTask<ReferenceProfile?> GetReferenceProfileAsync(ModelName modelName, ModelVersion version, CancellationToken cancellationToken = default);
}
