namespace MLOps.Monitoring.Quality.Internal;

/// <summary>
/// One prediction joined with its ground truth, with its per-prediction measure: the absolute error of a regression, or
/// 1 for a correct and 0 for a wrong classification. The rollout analysis feeds it to the arm of the version that made it.
/// </summary>
internal readonly record struct ScoredPrediction(string ModelName, int Version, string Variant, double Measure);
