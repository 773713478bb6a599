namespace MLOps.Monitoring.Quality.Feedback;

/// <summary>
/// Durable storage of ground truth beside an <see cref="IPredictionLog"/>, so batch jobs can join it with the logged
/// predictions and, on a shared store, so any replica can accept feedback exactly once. Register it as a singleton
/// (the PostgreSQL monitoring store and <see cref="JsonLinesPredictionLog"/> implement it).
/// </summary>
public interface IFeedbackLog
{
    /// <summary>
    /// Stores <paramref name="feedback"/> unless feedback for the same prediction is already stored: the first one wins,
    /// exactly once, even when two callers (or two replicas of a shared store) race.
    /// </summary>
    /// <param name="feedback">The feedback.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> if this call stored it; <see langword="false"/> if the prediction already had feedback.</returns>
    ValueTask<bool> TryAppendAsync(FeedbackRecord feedback, CancellationToken cancellationToken = default);
}
