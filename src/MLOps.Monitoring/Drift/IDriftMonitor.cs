
namespace MLOps.Monitoring.Drift;

/// <summary>
/// The results of online drift monitoring (<c>WithDriftMonitoring</c>): the latest report per model and events for
/// HTTP endpoints, health checks, retrain policies and alerts. A singleton service.
/// </summary>
/// <remarks>Events are raised on a background thread (never a prediction's thread); handlers must be thread-safe. An exception thrown by a handler is logged and does not stop monitoring.</remarks>
public interface IDriftMonitor
{
    /// <summary>Raised after every evaluated window, with its report.</summary>
    event EventHandler<DriftReportEventArgs>? ReportCreated;

    /// <summary>Raised after a window in which at least one feature drifted (check <see cref="DriftReport.DatasetDrift"/> for dataset drift).</summary>
    event EventHandler<DriftReportEventArgs>? DriftDetected;

    /// <summary>Gets the names of the models with drift monitoring whose observer has been created.</summary>
    IReadOnlyCollection<ModelName> Models { get; }

    /// <summary>Returns the report of the latest evaluated window of a model.</summary>
    /// <param name="modelName">The model name.</param>
    /// <returns>The report, or <see langword="null"/> before the first window closed (or if the model is not monitored).</returns>
    DriftReport? GetLatestReport(ModelName modelName);
}
