namespace MLOps;

/// <summary>A prediction with the contribution of each feature to it (see <see cref="ModelClientExplanationExtensions.PredictWithExplanation"/>).</summary>
/// <typeparam name="TOut">The output type.</typeparam>
/// <param name="Prediction">The prediction, exactly as <see cref="IModelClient{TIn, TOut}.Predict(TIn)"/> returns it (metrics and observers included).</param>
/// <param name="Contributions">The contribution of each feature, largest absolute value first.</param>
public sealed record ExplainedPrediction<TOut>(Prediction<TOut> Prediction, IReadOnlyList<FeatureContribution> Contributions);
