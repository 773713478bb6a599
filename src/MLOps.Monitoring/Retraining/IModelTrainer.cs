using Microsoft.ML;

namespace MLOps.Monitoring.Retraining;

/// <summary>
/// The application's training step: fit a model on the data the retrain loop hands over. Registered with
/// <c>r.TrainWith&lt;TTrainer&gt;()</c>, or use <c>r.TrainWith(ml =&gt; pipeline)</c> for a plain ML.NET pipeline.
/// </summary>
/// <typeparam name="TIn">The model's input type (with the label).</typeparam>
public interface IModelTrainer<TIn>
    where TIn : class
{
    /// <summary>Fits a model on <see cref="ModelTrainingContext.TrainingData"/>.</summary>
    /// <param name="context">The training data and the ML.NET context to use.</param>
    /// <param name="cancellationToken">Cancelled when the policy's training timeout elapses or the host stops.</param>
    /// <returns>The trained model; it must accept <typeparamref name="TIn"/> and produce the served output.</returns>
    Task<ITransformer> TrainAsync(ModelTrainingContext context, CancellationToken cancellationToken);
}
