
namespace MLOps.Monitoring.Drift;

/// <summary>
/// The results of online drift monitoring (<c>WithDriftMonitoring</c>): the latest report per model and a subscription
/// to every new report, for HTTP endpoints, health checks, retrain policies and alerts. A singleton service.
/// </summary>
public interface IDriftMonitor
{
    /// <summary>
    /// Subscribes to the report of every evaluated window of every monitored model (<see cref="DriftReport.ModelName"/>
    /// says which; a window in which features drifted has <see cref="DriftReport.DriftedFeatures"/> &gt; 0, and
    /// <see cref="DriftReport.DatasetDrift"/> for dataset drift).
    /// </summary>
    /// <param name="handler">Called on a background thread (never a prediction's thread) for each report; must be thread-safe and quick. An exception it throws is logged and does not stop the other handlers or monitoring.</param>
    /// <returns>A subscription; dispose it to unsubscribe.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is <see langword="null"/>.</exception>
    IDisposable Subscribe(Action<DriftReport> handler);

    /// <summary>Gets the names of the models served with drift monitoring (known from startup, before their first window closes).</summary>
    IReadOnlyCollection<ModelName> Models { get; }

    /// <summary>Returns the report of the latest evaluated window of a model.</summary>
    /// <param name="modelName">The model name.</param>
    /// <returns>The report, or <see langword="null"/> before the first window closed (or if the model is not monitored).</returns>
    DriftReport? GetLatestReport(ModelName modelName);

    /// <summary>
    /// Returns the recent evaluated reports of a model, oldest first (the last is <see cref="GetLatestReport"/>'s): at
    /// most <see cref="DriftOptions.HistorySize"/> of them, kept in memory since the process started.
    /// </summary>
    /// <param name="modelName">The model name.</param>
    /// <returns>A snapshot of the reports; empty before the first window closed or if the model is not monitored.</returns>
    IReadOnlyList<DriftReport> GetReports(ModelName modelName);

    /// <summary>
    /// Returns the recent reports of this replica's own windows, oldest first. In fleet mode (<c>AddFleetDrift</c>)
    /// <see cref="GetReports"/> and <see cref="GetLatestReport"/> return the fleet's reports (merged over every
    /// replica's windows) and this replica's own windows are kept here for debugging, never raised to subscribers;
    /// otherwise it returns the same reports as <see cref="GetReports"/>.
    /// </summary>
    /// <param name="modelName">The model name.</param>
    /// <returns>A snapshot of the reports; empty before the first window closed or if the model is not monitored.</returns>
    IReadOnlyList<DriftReport> GetReplicaReports(ModelName modelName) => GetReports(modelName);
}
