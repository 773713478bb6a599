namespace MLOps;

/// <summary>
/// Makes predictions with the model currently served under one name. Thread-safe; resolve it from dependency
/// injection (keyed by the model name when several models share the same input and output types).
/// </summary>
/// <typeparam name="TIn">The model's input type.</typeparam>
/// <typeparam name="TOut">The model's output type.</typeparam>
/// <remarks>
/// <para>
/// Every call leases the current model version; a hot swap never disposes a model while a call is using it, and a
/// call completes on the version it started with. A call never waits for a load: the MLOps hosted service loads every
/// model when the host starts.
/// </para>
/// <para>
/// During a rollout of a model served from the registry (see <see cref="Rollout"/>) a call is answered by the primary or
/// the candidate: <see cref="Prediction{TOut}.Variant"/> and <see cref="Prediction{TOut}.ModelVersion"/> say which. Pass an
/// assignment key (or configure one with <see cref="RolloutServingBuilder{TIn}.AssignBy"/>) to give a caller the same arm
/// on every call and every replica.
/// </para>
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

    /// <summary>Predicts one output, assigning the call to a rollout arm by <paramref name="assignmentKey"/>.</summary>
    /// <param name="input">The model input.</param>
    /// <param name="assignmentKey">
    /// The key that picks the arm during a rollout (for example a user or session id): the same key gets the same arm on
    /// every call and every replica. It wins over the key of <see cref="RolloutServingBuilder{TIn}.AssignBy"/>;
    /// <see langword="null"/> falls back to that key, else to a random draw. Ignored when no rollout is active.
    /// </param>
    /// <returns>The prediction with its id, the version and the variant that produced it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is <see langword="null"/>.</exception>
    /// <exception cref="ModelNotLoadedException">No version of the model has been loaded yet (see <see cref="Predict(TIn)"/>).</exception>
    /// <remarks>The default implementation, for clients that do not route, ignores the key.</remarks>
    Prediction<TOut> Predict(TIn input, string? assignmentKey) => Predict(input);

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

    /// <summary>
    /// Predicts one output per input, all with the same model version: during a rollout the whole batch goes to one arm,
    /// picked by <paramref name="assignmentKey"/>.
    /// </summary>
    /// <param name="inputs">The model inputs.</param>
    /// <param name="assignmentKey">
    /// The key that picks the batch's arm during a rollout; <see langword="null"/> falls back to the
    /// <see cref="RolloutServingBuilder{TIn}.AssignBy"/> key of the first input, else to a random draw.
    /// </param>
    /// <returns>The predictions, in input order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="inputs"/> or one of its items is <see langword="null"/>.</exception>
    /// <exception cref="ModelNotLoadedException">No version of the model has been loaded yet (see <see cref="PredictBatch(IReadOnlyList{TIn})"/>).</exception>
    /// <remarks>The default implementation, for clients that do not route, ignores the key.</remarks>
    Prediction<TOut>[] PredictBatch(IReadOnlyList<TIn> inputs, string? assignmentKey) => PredictBatch(inputs);
}
