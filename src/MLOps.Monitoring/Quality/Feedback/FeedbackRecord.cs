namespace MLOps.Monitoring.Quality.Feedback;

/// <summary>One piece of ground truth as a durable <see cref="IFeedbackLog"/> stores it.</summary>
/// <param name="PredictionId">The prediction the feedback is for.</param>
/// <param name="Actual">The actual outcome.</param>
/// <param name="ReceivedAt">When the feedback was received (UTC, from the application's <see cref="TimeProvider"/>).</param>
public readonly record struct FeedbackRecord(PredictionId PredictionId, GroundTruth Actual, DateTimeOffset ReceivedAt);
