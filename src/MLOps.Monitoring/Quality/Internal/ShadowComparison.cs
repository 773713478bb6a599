namespace MLOps.Monitoring.Quality.Internal;

/// <summary>
/// A shadow prediction compared with the served prediction of the same id: for classification whether the labels agree,
/// for regression the absolute difference of the values.
/// </summary>
internal readonly record struct ShadowComparison(string ModelName, int ServedVersion, int ShadowVersion, bool IsRegression, double AbsoluteDifference, bool Agrees);
