namespace MLOps;

/// <summary>What an <see cref="IPredictionObserver{TIn, TOut}"/> sees of one prediction.</summary>
/// <typeparam name="TIn">The model's input type.</typeparam>
/// <typeparam name="TOut">The model's output type.</typeparam>
/// <param name="ModelName">The name of the model that made the prediction.</param>
/// <param name="Input">The input.</param>
/// <param name="Prediction">The prediction.</param>
public readonly record struct PredictionContext<TIn, TOut>(ModelName ModelName, TIn Input, Prediction<TOut> Prediction)
{
    /// <summary>
    /// Gets whether this is a shadow prediction: the candidate of a shadow rollout predicting a mirrored request off the
    /// caller's path. It carries the same <see cref="Prediction{TOut}.PredictionId"/> as the prediction the caller received,
    /// the candidate's version and the variant <c>shadow</c>, and was never returned to anyone.
    /// </summary>
    /// <remarks>
    /// An observer that measures what callers were served (drift windows, quality and feedback stores, prediction logs)
    /// must check this property: counting a shadow prediction as served would count the request twice and mix the
    /// candidate's outputs into the primary's figures. An observer that compares the arms uses it to pair them.
    /// </remarks>
    public bool IsShadow { get; init; }
}
