namespace MLOps.Monitoring.Quality.Internal;

/// <summary>One labelled prediction in a window.</summary>
internal readonly record struct WindowPair(double Actual, double Predicted, double Score, string? ActualLabel, string? PredictedLabel, string? Segment);
