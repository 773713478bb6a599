using Microsoft.ML;

namespace MLOps.Internal;

/// <summary>An ML.NET <see cref="ITransformer"/> served through pooled prediction engines.</summary>
internal sealed class MLNetModel : InferenceModel
{
    // Creating a prediction engine needs a host environment, not the one the model was loaded with.
    private static readonly MLContext EngineContext = new();

    // By default an engine owns (and disposes) its transformer; here many engines share one model, owned by the handle.
    private static readonly PredictionEngineOptions EngineOptions = new() { OwnsTransformer = false };

    public MLNetModel(ITransformer transformer) => Transformer = transformer;

    public ITransformer Transformer { get; }

    public override string Format => ModelFormats.MLNet;

    public override ModelPredictor<TIn, TOut> CreatePredictor<TIn, TOut>() =>
        new MLNetPredictor<TIn, TOut>(EngineContext.Model.CreatePredictionEngine<TIn, TOut>(Transformer, EngineOptions));

    protected override void Dispose(bool disposing)
    {
        if (disposing && Transformer is IDisposable disposable)
        {
            disposable.Dispose();
        }

        base.Dispose(disposing);
    }
}
