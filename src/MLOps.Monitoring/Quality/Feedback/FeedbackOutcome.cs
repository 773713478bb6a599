namespace MLOps.Monitoring.Quality.Feedback;

/// <summary>What happened to one piece of feedback. Also the <c>mlops.outcome</c> tag of <c>mlops.feedback.received</c> (snake case).</summary>
public enum FeedbackOutcome
{
    /// <summary>
    /// The prediction was found (in the in-memory store, or in the durable <see cref="IPredictionLog"/> after it was
    /// evicted from the store) within the feedback time-to-live, and the pair joined the current quality window of the
    /// model version and variant that made the prediction. Tag value <c>joined</c>.
    /// </summary>
    Joined,

    /// <summary>
    /// The prediction is known (still in the store after its time-to-live, or in the durable log) but was made longer
    /// than the feedback time-to-live ago. It is counted in <c>QualityWindow.LateFeedback</c> of the version and
    /// variant that made it, and not used in any metric. Tag value <c>late</c>.
    /// </summary>
    Late,

    /// <summary>The prediction already received feedback (the first one counts; later ones are ignored). Tag value <c>duplicate</c>.</summary>
    Duplicate,

    /// <summary>
    /// No model with quality monitoring knows the id: it never existed, was made by another process, or was evicted
    /// from the store and no durable log has it. Tag value <c>unknown_prediction</c>.
    /// </summary>
    UnknownPrediction,

    /// <summary>
    /// The value cannot be used: the wrong kind for the model's task, not finite, outside the model's accepted range
    /// (<c>AcceptedRange</c>), a class label that is too long, or an empty id; nothing is recorded and the prediction
    /// can still receive valid feedback. Also the answer for any feedback on a prediction that was itself refused (not
    /// finite, out of range, or an unusable label), which never enters a metric. <see cref="FeedbackResult.Reason"/>
    /// says which. Tag value <c>invalid</c>.
    /// </summary>
    Invalid,
}
