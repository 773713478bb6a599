namespace MLOps.Monitoring.Quality.Feedback;

/// <summary>One prediction as kept by the in-memory store and written to an <see cref="IPredictionLog"/>.</summary>
/// <param name="PredictionId">The prediction id.</param>
/// <param name="ModelName">The model name.</param>
/// <param name="ModelVersion">The version that made the prediction.</param>
/// <param name="Variant">The deployment variant that served it.</param>
/// <param name="Timestamp">When it was made (UTC, from the application's <see cref="TimeProvider"/>).</param>
/// <param name="PredictedValue">Regression: the predicted value; binary classification: 1 or 0 for the predicted label; multiclass: <see cref="double.NaN"/>.</param>
/// <param name="Score">Binary classification: the predicted probability of the positive class; otherwise (or when not configured) <see cref="double.NaN"/>.</param>
/// <param name="PredictedLabel">Multiclass classification: the predicted class; otherwise <see langword="null"/>.</param>
/// <param name="Segment">The segment value chosen with <c>SegmentBy</c>, or <see langword="null"/>.</param>
/// <param name="Inputs">The input features, when the log records them (opt-in); otherwise <see langword="null"/>.</param>
public readonly record struct PredictionRecord(
    PredictionId PredictionId,
    ModelName ModelName,
    ModelVersion ModelVersion,
    string Variant,
    DateTimeOffset Timestamp,
    double PredictedValue,
    double Score,
    string? PredictedLabel,
    string? Segment,
    IReadOnlyList<LoggedFeature>? Inputs = null);
