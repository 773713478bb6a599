namespace MLOps.Monitoring.Retraining;

/// <summary>
/// The retrain loop's public face: ask for a retrain, read the last runs, and subscribe to completed runs (alerts,
/// the HTTP API and tests use it). Registered by <c>WithRetrainPolicy</c>.
/// </summary>
public interface IRetrainCoordinator
{
    /// <summary>Raised on the retrain loop's thread after every attempt (successful or not).</summary>
    event EventHandler<RetrainRun>? RunCompleted;

    /// <summary>Gets the names of the models that have a retrain policy.</summary>
    IReadOnlyCollection<string> Models { get; }

    /// <summary>Asks for a retrain of <paramref name="modelName"/> now (subject to the cooldown and to a run in progress).</summary>
    /// <param name="modelName">A model with a retrain policy.</param>
    /// <param name="reason">Why; recorded in the lineage and the audit trail.</param>
    /// <returns>The trigger that was queued.</returns>
    /// <exception cref="ArgumentException">The model has no retrain policy, or <paramref name="reason"/> is empty.</exception>
    RetrainTrigger RequestRetrain(string modelName, string reason);

    /// <summary>Gets the retrain state of a model: the last runs, whether one is running, when the cooldown ends.</summary>
    /// <param name="modelName">A model with a retrain policy.</param>
    /// <returns>The status, or <see langword="null"/> for a model without a retrain policy.</returns>
    RetrainStatus? GetStatus(string modelName);
}
