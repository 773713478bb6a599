namespace MLOps.Monitoring.Quality.Feedback;

/// <summary>One labelled prediction in an <see cref="IFleetFeedbackQueue"/>.</summary>
/// <param name="Position">The pair's position in the queue (increasing in the order it was queued).</param>
/// <param name="Prediction">The prediction.</param>
/// <param name="Feedback">The feedback.</param>
/// <param name="JoinedBy">The leadership term that held the pair when it was read; <see langword="null"/> when none did. <see cref="IFleetFeedbackQueue.ClaimAsync"/> compares against it.</param>
public readonly record struct QueuedFeedback(long Position, PredictionRecord Prediction, FeedbackRecord Feedback, Guid? JoinedBy = null);
