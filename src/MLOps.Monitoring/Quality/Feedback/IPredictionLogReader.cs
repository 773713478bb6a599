namespace MLOps.Monitoring.Quality.Feedback;

/// <summary>
/// Streams the predictions of a durable <see cref="IPredictionLog"/> for one model and a time range, for batch
/// monitoring jobs. Implemented by the logs that can (the PostgreSQL log and <see cref="JsonLinesPredictionLog"/>).
/// </summary>
public interface IPredictionLogReader
{
    /// <summary>
    /// Streams the predictions of <paramref name="model"/> made in [<paramref name="from"/>, <paramref name="to"/>), oldest first,
    /// without loading them all into memory.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="from">The start of the range (inclusive).</param>
    /// <param name="to">The end of the range (exclusive).</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <returns>The predictions, each with the ground truth the log holds for it.</returns>
    IAsyncEnumerable<LoggedPrediction> ReadAsync(ModelName model, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);
}
