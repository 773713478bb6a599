namespace MLOps;

/// <summary>
/// The permutation importance of one input feature of a model version: how much the model's main metric gets worse
/// when the feature's values are shuffled across the evaluation rows (the link between the feature and the label is
/// broken, everything else is kept).
/// </summary>
/// <param name="Feature">The feature (an input column, or one slot of a vector column such as <c>Category.red</c>).</param>
/// <param name="Metric">The metric that was measured: <c>r2</c> (regression), <c>accuracy</c> (binary) or <c>micro_accuracy</c> (multiclass).</param>
/// <param name="Mean">
/// The mean loss of <paramref name="Metric"/> over the permutations, in the metric's units: positive when the model needs
/// the feature, about 0 when it ignores it, negative when shuffling it happened to help.
/// </param>
/// <param name="StdDev">The standard deviation of that loss over the permutations (0 with one permutation).</param>
public sealed record FeatureImportance(string Feature, string Metric, double Mean, double StdDev);
