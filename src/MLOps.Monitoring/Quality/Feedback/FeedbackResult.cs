namespace MLOps.Monitoring.Quality.Feedback;

/// <summary>The answer to one <see cref="IFeedbackSink.RecordAsync"/> call.</summary>
/// <param name="Outcome">What happened to the feedback.</param>
/// <param name="ModelName">The model that made the prediction, when known.</param>
/// <param name="ModelVersion">The version that made the prediction, when known.</param>
/// <param name="Variant">The deployment variant that served the prediction, when known.</param>
/// <param name="Reason">Why the feedback was not joined (for <see cref="FeedbackOutcome.Invalid"/> and the other non-joined outcomes), safe to return to a client.</param>
public readonly record struct FeedbackResult(
    FeedbackOutcome Outcome,
    ModelName? ModelName = null,
    ModelVersion? ModelVersion = null,
    string? Variant = null,
    string? Reason = null);
