namespace MLOps.Monitoring.Retraining;

/// <summary>
/// The application's training step for a model that is not an ML.NET model: fit it on the data the retrain loop hands
/// over and return its artifact, such as an ONNX graph. Registered with <c>r.TrainArtifactWith&lt;TTrainer&gt;()</c>.
/// </summary>
/// <remarks>
/// <para>The artifact's path names its format (<c>model.onnx</c>, or an extension a format added with
/// <c>AddModelFormat</c> claims): the retrainer loads it with that format, checks it serves <c>TIn</c> → <c>TOut</c>,
/// evaluates it and the champion on the same hold-out, and registers it, where the registry records its format; serving
/// then loads it like any other version of that format.</para>
/// <para>Read the training rows with <c>context.MLContext.Data.CreateEnumerable&lt;TIn&gt;(context.TrainingData, reuseRowObject: false)</c>.
/// Scoring the hold-out with the artifact needs <typeparamref name="TIn"/> to have a public parameterless constructor.</para>
/// </remarks>
/// <typeparam name="TIn">The model's input type (with the label).</typeparam>
public interface IModelArtifactTrainer<TIn>
    where TIn : class
{
    /// <summary>Fits a model on <see cref="ModelTrainingContext.TrainingData"/> and returns its artifact.</summary>
    /// <param name="context">The training data and the ML.NET context (for reading the data).</param>
    /// <param name="cancellationToken">Cancelled when the policy's training timeout elapses or the host stops.</param>
    /// <returns>The trained model's artifact, for example <c>ModelArtifact.FromBytes(graph, "model.onnx")</c>.</returns>
    Task<ModelArtifact> TrainAsync(ModelTrainingContext context, CancellationToken cancellationToken);
}
