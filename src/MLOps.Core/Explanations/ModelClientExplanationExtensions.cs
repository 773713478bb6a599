using MLOps.Internal;

namespace MLOps;

/// <summary>Per-prediction explanations, on request: the default <see cref="IModelClient{TIn, TOut}.Predict(TIn)"/> path never computes them.</summary>
public static class ModelClientExplanationExtensions
{
    /// <summary>
    /// Predicts one output, like <see cref="IModelClient{TIn, TOut}.Predict(TIn)"/> (it counts as a prediction: metrics,
    /// activity and observers), and computes the contribution of each feature to it. ML.NET models whose last step is a
    /// linear or tree-based predictor support this (ML.NET's feature contribution calculation); other models do not.
    /// During a rollout the primary answers: an explanation is a diagnostic, not routed traffic.
    /// </summary>
    /// <typeparam name="TIn">The input type.</typeparam>
    /// <typeparam name="TOut">The output type.</typeparam>
    /// <param name="client">The client.</param>
    /// <param name="input">The input.</param>
    /// <returns>The prediction with its feature contributions.</returns>
    /// <exception cref="NotSupportedException">
    /// The served version cannot explain its predictions (an ONNX or custom model, or an ML.NET model without a linear or
    /// tree predictor), or the client is not the SDK's; nothing was predicted.
    /// </exception>
    /// <exception cref="ModelNotLoadedException">No version is loaded yet.</exception>
    public static ExplainedPrediction<TOut> PredictWithExplanation<TIn, TOut>(this IModelClient<TIn, TOut> client, TIn input)
        where TIn : class
        where TOut : class, new()
    {
        ArgumentNullException.ThrowIfNull(client);
        return client is ModelClient<TIn, TOut> served
            ? served.PredictWithExplanation(input)
            : throw new NotSupportedException($"{client.GetType().Name} is not a client of the MLOps serving pipeline; only those explain predictions.");
    }
}
