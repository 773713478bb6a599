namespace MLOps.Monitoring.Quality.Feedback;

/// <summary>
/// The fleet's queue of labelled predictions on a shared store, which turns on fleet mode for quality monitoring: the
/// replica that receives feedback claims it (<see cref="IFeedbackLog"/>, then <see cref="TryEnqueueAsync"/>) with the
/// prediction it found, and only the leader (<see cref="ILeaderElection"/>) joins the pairs into its quality windows, so
/// each window is computed once over the whole fleet. Register one as a singleton (<c>AddPostgresMonitoring</c> does);
/// without one, each process joins its own feedback as before.
/// </summary>
/// <remarks>
/// Exactly once across failover: each leadership term has its own <c>joiner</c> id. The leader reads pairs
/// (<see cref="ReadAsync"/>), claims them with a compare-and-set (<see cref="ClaimAsync"/>) and joins only what it
/// claimed; a pair stays queued until the window it was counted into is published (<see cref="TryPublishAsync"/>),
/// which stores the window and deletes exactly its pairs, atomically, only if the term still holds all of them. A
/// leader that dies or steps down leaves its pairs queued: the next one claims them again.
/// </remarks>
public interface IFleetFeedbackQueue
{
    /// <summary>
    /// Queues one labelled prediction unless the prediction was ever queued (also when its window was since published):
    /// the first one wins, exactly once, even when replicas race. The receiving replica calls it after every
    /// <see cref="IFeedbackLog.TryAppendAsync"/>, a repeat included, so a store that keeps the feedback should queue the
    /// feedback it kept (the one that won) the first time it is asked, and nothing after that.
    /// </summary>
    /// <param name="prediction">The prediction the feedback is for, as the receiving replica found it.</param>
    /// <param name="feedback">The feedback.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> if this call queued it; <see langword="false"/> if the prediction was already queued.</returns>
    ValueTask<bool> TryEnqueueAsync(PredictionRecord prediction, FeedbackRecord feedback, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the oldest queued pairs, in the order the store queued them: those no term claimed, or, with
    /// <paramref name="includeOtherJoiners"/>, every pair not claimed by <paramref name="joiner"/> (the sweep that takes
    /// over the pairs of a leader that died or stepped down).
    /// </summary>
    /// <param name="joiner">The reading leader's term.</param>
    /// <param name="includeOtherJoiners">Whether to return pairs other terms claimed too.</param>
    /// <param name="limit">The most pairs to return.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Up to <paramref name="limit"/> pairs, oldest first, each with the term that held it when read (<see cref="QueuedFeedback.JoinedBy"/>).</returns>
    ValueTask<IReadOnlyList<QueuedFeedback>> ReadAsync(Guid joiner, bool includeOtherJoiners, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims pairs for <paramref name="joiner"/>: each one only if it is still held by the term it was read with
    /// (<see cref="QueuedFeedback.JoinedBy"/>), atomically per pair, so when two leaders race each pair goes to one.
    /// </summary>
    /// <param name="joiner">The claiming leader's term.</param>
    /// <param name="pairs">Pairs as <see cref="ReadAsync"/> returned them.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The <see cref="QueuedFeedback.Position"/> of each pair this call claimed.</returns>
    ValueTask<IReadOnlySet<long>> ClaimAsync(Guid joiner, IReadOnlyList<QueuedFeedback> pairs, CancellationToken cancellationToken = default);

    /// <summary>
    /// Publishes a closed window in one transaction: stores it and deletes the pairs counted into it, only if
    /// <paramref name="joiner"/> still holds every one of them; otherwise changes nothing. Calling it again with the same
    /// <paramref name="windowId"/> after it succeeded (an unknown outcome) returns <see langword="true"/> and stores nothing.
    /// </summary>
    /// <param name="joiner">The publishing leader's term.</param>
    /// <param name="windowId">The window's id, chosen when it closed.</param>
    /// <param name="window">The window.</param>
    /// <param name="positions">The pairs counted into the window (scored, skipped or late).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when the window is published; <see langword="false"/> when another term claimed some of its pairs.</returns>
    ValueTask<bool> TryPublishAsync(Guid joiner, Guid windowId, QualityWindow window, IReadOnlyList<long> positions, CancellationToken cancellationToken = default);

    /// <summary>Deletes pairs <paramref name="joiner"/> holds that count in no window (a model this replica does not monitor).</summary>
    /// <param name="joiner">The leader's term.</param>
    /// <param name="positions">The pairs.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the store has deleted them.</returns>
    ValueTask DeleteAsync(Guid joiner, IReadOnlyList<long> positions, CancellationToken cancellationToken = default);

    /// <summary>Gives back pairs <paramref name="joiner"/> holds, so any leader reads them as unclaimed again.</summary>
    /// <param name="joiner">The leader's term.</param>
    /// <param name="positions">The pairs, or <see langword="null"/> for every pair the term holds (a step-down).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the store has released them.</returns>
    ValueTask ReleaseAsync(Guid joiner, IReadOnlyList<long>? positions, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads a model's published windows: the latest <paramref name="limit"/> and the latest of every version and
    /// variant, in the order they were published (oldest first), so followers serve the fleet's windows.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="limit">How many of the latest windows to return, besides the latest of each version and variant.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The windows, oldest published first.</returns>
    ValueTask<IReadOnlyList<QualityWindow>> ReadPublishedAsync(ModelName model, int limit, CancellationToken cancellationToken = default);
}
