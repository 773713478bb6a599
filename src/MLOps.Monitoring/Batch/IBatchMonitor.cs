namespace MLOps.Monitoring.Batch;

/// <summary>
/// Batch monitoring jobs over the durable prediction log (<see cref="Quality.Feedback.IPredictionLogReader"/>): drift
/// of the logged inputs against the reference profile of the version that served each row, and quality from the rows
/// that have ground truth, for a model and a time range, on demand or on a schedule (<c>AddBatchMonitoring</c>).
/// </summary>
public interface IBatchMonitor
{
    /// <summary>
    /// Runs a job: streams the model's logged predictions in the range (never all in memory) and builds the report.
    /// The report is then the latest of its model (<see cref="GetLatest"/>) and is delivered to the subscribers.
    /// </summary>
    /// <param name="request">The model and range.</param>
    /// <param name="cancellationToken">Stops the job.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">No <see cref="Quality.Feedback.IPredictionLogReader"/> is registered.</exception>
    /// <exception cref="ModelRegistryException">The prediction log could not be read (<see cref="RegistryErrorCode.Storage"/>: its database or disk is down); nothing was reported.</exception>
    Task<BatchMonitoringReport> RunAsync(BatchMonitoringRequest request, CancellationToken cancellationToken = default);

    /// <summary>Gets the latest report of a model since the process started, or <see langword="null"/>.</summary>
    /// <param name="model">The model.</param>
    /// <returns>The report, or <see langword="null"/>.</returns>
    BatchMonitoringReport? GetLatest(ModelName model);

    /// <summary>Calls <paramref name="handler"/> with every report, scheduled or on demand, on the thread that finished the job.</summary>
    /// <param name="handler">The handler; one that throws is logged and does not stop the others.</param>
    /// <returns>The subscription; dispose it to stop receiving reports.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is <see langword="null"/>.</exception>
    IDisposable Subscribe(Action<BatchMonitoringReport> handler);
}
