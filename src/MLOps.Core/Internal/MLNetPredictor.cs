using Microsoft.ML;

namespace MLOps.Internal;

/// <summary>One pooled ML.NET prediction engine.</summary>
internal sealed class MLNetPredictor<TIn, TOut>(PredictionEngine<TIn, TOut> engine) : ModelPredictor<TIn, TOut>
    where TIn : class
    where TOut : class, new()
{
    public override TOut Predict(TIn input) => engine.Predict(input);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            engine.Dispose();
        }

        base.Dispose(disposing);
    }
}
