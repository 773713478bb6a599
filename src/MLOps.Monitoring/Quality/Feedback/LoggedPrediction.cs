namespace MLOps.Monitoring.Quality.Feedback;

/// <summary>A logged prediction with the ground truth the log holds for it, as a batch monitoring job reads it.</summary>
/// <param name="Prediction">The prediction, with its inputs when the log records them (<see cref="PredictionRecord.Inputs"/>).</param>
/// <param name="Actual">The first feedback recorded for the prediction, or <see langword="null"/> when none is known to the log.</param>
public readonly record struct LoggedPrediction(PredictionRecord Prediction, GroundTruth? Actual);
