namespace MLOps.Monitoring.Quality.Feedback;

/// <summary>
/// Durable storage of predictions, so feedback can be joined after a prediction left the in-memory store (evicted
/// when full, or after a restart). Register one implementation as a singleton (for example with
/// <c>AddJsonLinesPredictionLog</c>); predictions are written in batches by a background service, off the hot path.
/// </summary>
public interface IPredictionLog
{
    /// <summary>Appends predictions. Called by one background writer at a time, in prediction order per model.</summary>
    /// <param name="records">The predictions; the list is reused after the call returns, so copy what you keep.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the records are stored according to the log's durability policy.</returns>
    ValueTask AppendAsync(IReadOnlyList<PredictionRecord> records, CancellationToken cancellationToken = default);

    /// <summary>Finds a prediction by id. May be called concurrently with <see cref="AppendAsync"/> and with itself.</summary>
    /// <param name="predictionId">The id.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The prediction, or <see langword="null"/> if the log does not hold it.</returns>
    ValueTask<PredictionRecord?> FindAsync(PredictionId predictionId, CancellationToken cancellationToken = default);
}
