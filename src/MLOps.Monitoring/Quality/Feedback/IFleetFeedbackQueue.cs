namespace MLOps.Monitoring.Quality.Feedback;

/// <summary>
/// The fleet's queue of labelled predictions on a shared store, which turns on fleet mode for quality monitoring: the
/// replica that receives feedback claims it (<see cref="IFeedbackLog"/>, then <see cref="TryEnqueueAsync"/>) with the
/// prediction it found, and only the leader (<see cref="ILeaderElection"/>) reads the queue, joins the pairs into its
/// quality windows and completes them, so each window is computed once over the whole fleet. Register one as a
/// singleton (<c>AddPostgresMonitoring</c> does); without one, each process joins its own feedback as before.
/// </summary>
public interface IFleetFeedbackQueue
{
    /// <summary>
    /// Queues one labelled prediction unless the prediction is already queued: the first one wins, exactly once, even
    /// when replicas race.
    /// </summary>
    /// <param name="prediction">The prediction the feedback is for, as the receiving replica found it.</param>
    /// <param name="feedback">The feedback.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> if this call queued it; <see langword="false"/> if the prediction was already queued.</returns>
    ValueTask<bool> TryEnqueueAsync(PredictionRecord prediction, FeedbackRecord feedback, CancellationToken cancellationToken = default);

    /// <summary>Reads the oldest pairs not completed yet, in the order the store queued them.</summary>
    /// <param name="limit">The most pairs to return.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Up to <paramref name="limit"/> pairs, oldest first.</returns>
    ValueTask<IReadOnlyList<QueuedFeedback>> ReadPendingAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>Marks pairs as joined, so no later read (by this leader or the next) returns them again.</summary>
    /// <param name="positions">The <see cref="QueuedFeedback.Position"/> of each pair.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the store has recorded it durably.</returns>
    ValueTask CompleteAsync(IReadOnlyList<long> positions, CancellationToken cancellationToken = default);
}
