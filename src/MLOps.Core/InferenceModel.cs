namespace MLOps;

/// <summary>
/// A model loaded into a runtime (ML.NET, ONNX Runtime, or one you plug in), ready to serve. The serving pipeline pools
/// the predictors it creates, swaps it out on a new version and disposes it when the last prediction on it completes.
/// </summary>
/// <remarks>
/// <para>
/// Implement this (with a <see cref="ModelPredictor{TIn, TOut}"/>) to serve a runtime the SDK does not ship, such as
/// TorchSharp or a remote call, and still get pooling, hot swap, telemetry and prediction observers. Return it from an
/// <see cref="IModelFormat"/> (so files and registry versions of that format load it) or from your own
/// <see cref="ModelSource"/> in a <see cref="LoadedModel"/>.
/// </para>
/// <para>
/// <see cref="CreatePredictor{TIn, TOut}"/> is called once when the version loads, so a model that cannot serve
/// <c>TIn</c>/<c>TOut</c> is refused before any traffic (the previous version keeps serving), and again whenever the
/// pool needs one more predictor. It may be called from several threads at once.
/// </para>
/// </remarks>
public abstract class InferenceModel : IDisposable
{
    /// <summary>Gets the name of the model's format, such as <c>mlnet</c> or <c>onnx</c> (see <see cref="ModelFormats"/>).</summary>
    public abstract string Format { get; }

    /// <summary>
    /// Gets the model's own input and output signature when the runtime knows it (an ONNX graph does), or
    /// <see langword="null"/>. The default returns <see langword="null"/>.
    /// </summary>
    public virtual ModelSignature? Signature => null;

    /// <summary>Creates a predictor that maps <typeparamref name="TIn"/> to <typeparamref name="TOut"/> with this model.</summary>
    /// <typeparam name="TIn">The input type.</typeparam>
    /// <typeparam name="TOut">The output type.</typeparam>
    /// <returns>A new predictor; it is used by one caller at a time and disposed by the pool.</returns>
    /// <exception cref="InvalidOperationException">The model cannot serve these types; the message names what does not match.</exception>
    public abstract ModelPredictor<TIn, TOut> CreatePredictor<TIn, TOut>()
        where TIn : class
        where TOut : class, new();

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the runtime resources of the model (sessions, native memory, connections).</summary>
    /// <param name="disposing"><see langword="true"/> when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }
}
