using Microsoft.ML;

namespace MLOps.Monitoring.Retraining.Internal;

/// <summary>The <c>TrainWith(ml =&gt; pipeline)</c> convenience: fits the pipeline on the training split.</summary>
internal sealed class PipelineTrainer<TIn>(Func<MLContext, IEstimator<ITransformer>> pipeline) : IModelTrainer<TIn>
    where TIn : class
{
    public Task<ITransformer> TrainAsync(ModelTrainingContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(pipeline(context.MLContext).Fit(context.TrainingData));
    }
}
