namespace MLOps;

/// <summary>What an <see cref="IPredictionObserver{TIn, TOut}"/> sees of one prediction.</summary>
/// <typeparam name="TIn">The model's input type.</typeparam>
/// <typeparam name="TOut">The model's output type.</typeparam>
/// <param name="ModelName">The name of the model that made the prediction.</param>
/// <param name="Input">The input.</param>
/// <param name="Prediction">The prediction.</param>
public readonly record struct PredictionContext<TIn, TOut>(ModelName ModelName, TIn Input, Prediction<TOut> Prediction);
