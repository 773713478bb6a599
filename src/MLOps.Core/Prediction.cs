namespace MLOps;

/// <summary>
/// The result of one prediction: the model's output plus the identity of the prediction and of the model that made it.
/// </summary>
/// <typeparam name="TOut">The model's output type.</typeparam>
/// <param name="Value">The model's output.</param>
/// <param name="PredictionId">The unique id of this prediction; send it back with the ground truth as feedback.</param>
/// <param name="ModelVersion">The version of the model that produced <paramref name="Value"/>.</param>
/// <param name="Variant">The deployment variant that served the prediction (for example <c>primary</c>).</param>
public readonly record struct Prediction<TOut>(TOut Value, PredictionId PredictionId, ModelVersion ModelVersion, string Variant);
