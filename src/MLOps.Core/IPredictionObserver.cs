namespace MLOps;

/// <summary>
/// Observes every prediction of models with the given input and output types (drift windows, prediction logs and
/// feedback caches plug in here). Register it through dependency injection: globally with
/// <c>services.AddSingleton&lt;IPredictionObserver&lt;TIn, TOut&gt;, MyObserver&gt;()</c>, or for one model with
/// <see cref="ModelServingBuilder{TIn, TOut}.AddObserver{TObserver}"/>.
/// </summary>
/// <typeparam name="TIn">The model's input type.</typeparam>
/// <typeparam name="TOut">The model's output type.</typeparam>
/// <remarks>
/// Observers run synchronously on the caller's thread after the prediction is made, so they must be fast and should
/// not allocate; hand expensive work to a background queue. An observer that throws does not fail the prediction:
/// the exception is logged (rate-limited) and counted in <c>mlops.observer.errors</c>.
/// During a shadow rollout an observer also receives the shadow's predictions, on the shadow's background worker, with
/// <see cref="PredictionContext{TIn, TOut}.IsShadow"/> set and the served prediction's id: check it (see there).
/// </remarks>
public interface IPredictionObserver<TIn, TOut>
    where TIn : class
    where TOut : class, new()
{
    /// <summary>Called after each successful prediction.</summary>
    /// <param name="context">The model name, the input and the prediction.</param>
    void OnPrediction(in PredictionContext<TIn, TOut> context);
}
