namespace MLOps;

/// <summary>
/// Predicts with one <see cref="InferenceModel"/>: the pooled unit of the serving pipeline (for ML.NET, a prediction
/// engine). A predictor is used by one caller at a time, so it may keep buffers between calls.
/// </summary>
/// <typeparam name="TIn">The input type.</typeparam>
/// <typeparam name="TOut">The output type.</typeparam>
public abstract class ModelPredictor<TIn, TOut> : IDisposable
    where TIn : class
    where TOut : class, new()
{
    /// <summary>Predicts one output.</summary>
    /// <param name="input">The input.</param>
    /// <returns>A new output instance.</returns>
    /// <remarks>An exception is reported as a failed prediction (metrics, activity) and reaches the caller.</remarks>
    public abstract TOut Predict(TIn input);

    /// <summary>Gets whether <see cref="PredictBatch"/> runs a whole batch in one call of the runtime (an ONNX graph with a dynamic batch dimension).</summary>
    internal virtual bool CanPredictBatch => false;

    /// <summary>Predicts every input in one call of the runtime; only called when <see cref="CanPredictBatch"/>.</summary>
    /// <param name="inputs">Two or more inputs.</param>
    /// <returns>One new output per input, in order.</returns>
    /// <remarks>A failure fails the batch call as a whole: the client then predicts row by row, so each row reports its own outcome.</remarks>
    internal virtual TOut[] PredictBatch(IReadOnlyList<TIn> inputs) => throw new NotSupportedException();

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the predictor's resources (buffers, engines).</summary>
    /// <param name="disposing"><see langword="true"/> when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }
}
