namespace MLOps;

/// <summary>
/// Makes predictions with the model currently served under one name. Thread-safe; resolve it from dependency
/// injection (keyed by the model name when several models share the same input and output types).
/// </summary>
/// <typeparam name="TIn">The model's input type.</typeparam>
/// <typeparam name="TOut">The model's output type.</typeparam>
/// <remarks>
/// Every call leases the current model version; a hot swap never disposes a model while a call is using it, and a
/// call completes on the version it started with. A call never waits for a load: the MLOps hosted service loads every
/// model when the host starts.
/// </remarks>
public interface IModelClient<TIn, TOut>
    where TIn : class
    where TOut : class, new()
{
    /// <summary>Gets the name of the served model.</summary>
    ModelName ModelName { get; }

    /// <summary>Predicts one output.</summary>
    /// <param name="input">The model input.</param>
    /// <returns>The prediction with its id and the version that produced it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is <see langword="null"/>.</exception>
    /// <exception cref="ModelNotLoadedException">
    /// No version of the model has been loaded yet. Without a host, the first call starts the first load: a file or an
    /// in-memory transformer loads synchronously within that call, while an asynchronous source (a registry) loads in the
    /// background and the calls made until it completes throw this exception.
    /// </exception>
    Prediction<TOut> Predict(TIn input);

    /// <summary>Predicts one output per input, all with the same model version.</summary>
    /// <param name="inputs">The model inputs.</param>
    /// <returns>The predictions, in input order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="inputs"/> or one of its items is <see langword="null"/>.</exception>
    /// <exception cref="ModelNotLoadedException">
    /// No version of the model has been loaded yet. Without a host, the first call starts the first load: a file or an
    /// in-memory transformer loads synchronously within that call, while an asynchronous source (a registry) loads in the
    /// background and the calls made until it completes throw this exception.
    /// </exception>
    Prediction<TOut>[] PredictBatch(IReadOnlyList<TIn> inputs);
}
