namespace MLOps.Monitoring.Quality.Feedback;

/// <summary>One labelled prediction in an <see cref="IFleetFeedbackQueue"/>.</summary>
/// <param name="Position">The pair's position in the queue (increasing in the order it was queued); pass it to <see cref="IFleetFeedbackQueue.CompleteAsync"/>.</param>
/// <param name="Prediction">The prediction.</param>
/// <param name="Feedback">The feedback.</param>
public readonly record struct QueuedFeedback(long Position, PredictionRecord Prediction, FeedbackRecord Feedback);
