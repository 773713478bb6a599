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
