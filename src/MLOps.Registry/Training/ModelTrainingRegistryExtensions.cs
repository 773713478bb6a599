using Microsoft.ML;

namespace MLOps;

/// <summary>Train → evaluate → track → register as an extension of <see cref="IModelRegistry"/> (see <see cref="ModelTrainingRunner"/>).</summary>
public static class ModelTrainingRegistryExtensions
{
    /// <summary>Trains on rows of <typeparamref name="TIn"/>, evaluates, records a run in <paramref name="tracker"/> and registers the model.</summary>
    /// <typeparam name="TIn">The row class.</typeparam>
    /// <param name="registry">The registry.</param>
    /// <param name="tracker">The experiment tracker.</param>
    /// <param name="request">What to train and how to record it.</param>
    /// <param name="rows">The data.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The run, version, metrics and model.</returns>
    public static Task<ModelTrainingResult> TrainAndRegisterAsync<TIn>(
        this IModelRegistry registry, IExperimentTracker tracker, ModelTrainingRequest request, IEnumerable<TIn> rows, CancellationToken cancellationToken = default)
        where TIn : class =>
        new ModelTrainingRunner(registry, tracker).TrainAndRegisterAsync(request, rows, cancellationToken);

    /// <summary>Trains on a data view, evaluates, records a run in <paramref name="tracker"/> and registers the model.</summary>
    /// <param name="registry">The registry.</param>
    /// <param name="tracker">The experiment tracker.</param>
    /// <param name="request">What to train and how to record it.</param>
    /// <param name="data">The data.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns>The run, version, metrics and model.</returns>
    public static Task<ModelTrainingResult> TrainAndRegisterAsync(
        this IModelRegistry registry, IExperimentTracker tracker, ModelTrainingRequest request, IDataView data, CancellationToken cancellationToken = default) =>
        new ModelTrainingRunner(registry, tracker).TrainAndRegisterAsync(request, data, cancellationToken);
}
