namespace MLOps.Monitoring.Retraining;

/// <summary>
/// The retrain loop's public face: ask for a retrain, read the last runs, and subscribe to completed runs (alerts,
/// the HTTP API and tests use it). Registered by <c>WithRetrainPolicy</c>.
/// </summary>
public interface IRetrainCoordinator
{
    /// <summary>
    /// Subscribes to completed attempts (successful or not), the same idiom as <see cref="IModelRegistry.Subscribe"/>. The
    /// handler runs on the retrain loop's thread after every attempt; one that throws is logged (event 457) and the other
    /// handlers still run.
    /// </summary>
    /// <param name="handler">Called with each completed attempt.</param>
    /// <returns>Dispose it to unsubscribe.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is <see langword="null"/>.</exception>
    IDisposable Subscribe(Action<RetrainRun> handler);

    /// <summary>Gets the names of the models that have a retrain policy.</summary>
    IReadOnlyCollection<ModelName> Models { get; }

    /// <summary>Asks for a retrain of <paramref name="modelName"/> now (subject to the cooldown and to a run in progress).</summary>
    /// <param name="modelName">A model with a retrain policy.</param>
    /// <param name="reason">Why; recorded in the lineage and the audit trail.</param>
    /// <returns>The trigger that was queued.</returns>
    /// <exception cref="ArgumentException">The model has no retrain policy, or <paramref name="reason"/> is empty.</exception>
    RetrainTrigger RequestRetrain(ModelName modelName, string reason);

    /// <summary>Gets the retrain state of a model: the last runs, whether one is running, when the cooldown ends.</summary>
    /// <param name="modelName">A model with a retrain policy.</param>
    /// <returns>The status, or <see langword="null"/> for a model without a retrain policy.</returns>
    RetrainStatus? GetStatus(ModelName modelName);
}
