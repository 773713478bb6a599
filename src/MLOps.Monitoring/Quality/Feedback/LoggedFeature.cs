using MLOps.Monitoring.Profiles;

namespace MLOps.Monitoring.Quality.Feedback;

/// <summary>
/// One input feature of a logged prediction, as drift monitoring reads it: a number for a
/// <see cref="FeatureKind.Numeric"/> feature (<see cref="double.NaN"/> when missing), 1 or 0 for a
/// <see cref="FeatureKind.Boolean"/> one, and the category text for a <see cref="FeatureKind.Categorical"/> one
/// (<see langword="null"/> when missing).
/// </summary>
/// <param name="Name">The feature name (the member name, or the name given by <see cref="DriftFeatureAttribute"/>).</param>
/// <param name="Kind">How the feature is profiled.</param>
/// <param name="Number">The value of a numeric or Boolean feature; <see cref="double.NaN"/> for a categorical one or a missing value.</param>
/// <param name="Category">The value of a categorical feature; <see langword="null"/> otherwise or when missing.</param>
public readonly record struct LoggedFeature(string Name, FeatureKind Kind, double Number, string? Category);
