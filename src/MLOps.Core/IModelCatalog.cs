namespace MLOps;

/// <summary>Lists the models this process serves (for endpoints, health checks and dashboards).</summary>
public interface IModelCatalog
{
    /// <summary>Returns a snapshot of every served model, ordered by name.</summary>
    /// <returns>The served models.</returns>
    IReadOnlyList<ServedModel> GetModels();

    /// <summary>Returns a snapshot of one served model.</summary>
    /// <param name="name">The model name.</param>
    /// <returns>The model, or <see langword="null"/> if no model is served under <paramref name="name"/>.</returns>
    ServedModel? Find(ModelName name);

    /// <summary>Asks the model's source for its current version now, instead of waiting for a change notification.</summary>
    /// <param name="name">The model name.</param>
    /// <param name="cancellationToken">A token that cancels the reload.</param>
    /// <returns><see langword="true"/> if a new version was loaded; <see langword="false"/> if nothing changed or the load failed (see <see cref="ServedModel.LastLoadError"/>).</returns>
    /// <exception cref="KeyNotFoundException">No model is served under <paramref name="name"/>.</exception>
    Task<bool> ReloadAsync(ModelName name, CancellationToken cancellationToken = default);
}
