namespace MLOps.Monitoring.Quality.Feedback;

/// <summary>
/// Receives delayed ground truth for predictions and joins it with them for model-quality monitoring. Registered by
/// <c>WithQualityMonitoring(...)</c>; thread-safe. An HTTP feedback endpoint calls it once per request.
/// </summary>
/// <remarks>
/// Unknown, late, duplicate and invalid feedback is an ordinary outcome, not an exception: every call returns a
/// <see cref="FeedbackResult"/> and is counted in <c>mlops.feedback.received</c>.
/// </remarks>
public interface IFeedbackSink
{
    /// <summary>Records the actual outcome of a prediction.</summary>
    /// <param name="predictionId">The id returned with the prediction (<see cref="Prediction{TOut}.PredictionId"/>).</param>
    /// <param name="actual">The actual value.</param>
    /// <param name="cancellationToken">Cancels a lookup in the durable prediction log.</param>
    /// <returns>What happened to the feedback.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled during a log lookup.</exception>
    /// <exception cref="FeedbackStoreUnavailableException">In fleet mode, the shared store that claims feedback could not be reached; nothing was recorded.</exception>
    ValueTask<FeedbackResult> RecordAsync(PredictionId predictionId, GroundTruth actual, CancellationToken cancellationToken = default);
}
