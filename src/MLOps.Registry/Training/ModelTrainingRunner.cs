using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML;
using MLOps.Internal;
using MLOps.Registry.Internal;
using Log = MLOps.Registry.Internal.Log;

namespace MLOps;

/// <summary>
/// Train → evaluate → track → register in one call (the same pipeline the retrain policy of MLOps.Monitoring runs): fits an ML.NET pipeline on a split of the data, evaluates it on the
/// hold-out, records everything in an <see cref="IExperimentTracker"/> run (parameters, metrics, the dataset with its
/// digest, the model zip) and registers the model as a new version whose lineage points at the run. Added by
/// <c>AddFileSystemTracking</c>; or create one directly.
/// </summary>
/// <remarks>
/// <para>Order: start the run (experiment = model name unless set; tags <c>mlops.model.name</c>, <c>mlops.trigger</c>) →
/// log the dataset input (context <c>training</c>) → split (<see cref="ModelTrainingRequest.HoldOutFraction"/>,
/// <see cref="ModelTrainingRequest.Seed"/>) → log parameters → fit → evaluate → log metrics (step 0) → store
/// <c>model.zip</c> in the run → register the version (metrics, parameters, signature from the schemas, lineage: run id,
/// dataset name/digest/row count, parent version, code version = the entry assembly's informational version, trigger and
/// reason) → tag the run <c>mlops.registered_version</c> → end the run <see cref="RunStatus.Finished"/> → promote when
/// asked.</para>
/// <para>If loading, training, evaluation, logging or registration fails, the run ends <see cref="RunStatus.Failed"/>
/// (or <see cref="RunStatus.Killed"/> when cancelled) with the error, no ready version is registered, and the exception
/// is rethrown. Once the version is registered, a failure to tag or end the run is logged (event 525) rather than thrown,
/// so the caller still gets the version. A promotion rejected by a gate leaves the version registered and is reported in
/// <see cref="ModelTrainingResult.PromotionFailure"/>.</para>
/// </remarks>
public sealed class ModelTrainingRunner
{
    /// <summary>The parameter names the runner logs itself; <see cref="ModelTrainingRequest.Params"/> must not use them.</summary>
    public static readonly IReadOnlyList<string> ReservedParams = TrainingPipeline.ReservedParams;

    private readonly IModelRegistry _registry;
    private readonly IExperimentTracker _tracker;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="registry">The registry versions are registered in.</param>
    /// <param name="tracker">The tracker runs are recorded in.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="registry"/> or <paramref name="tracker"/> is <see langword="null"/>.</exception>
    public ModelTrainingRunner(IModelRegistry registry, IExperimentTracker tracker, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(tracker);
        _registry = registry;
        _tracker = tracker;
        _logger = (ILogger?)loggerFactory?.CreateLogger("MLOps.Training") ?? NullLogger.Instance;
    }

    /// <summary>Trains on rows of <typeparamref name="TIn"/>, evaluates, records the run and registers the model.</summary>
    /// <typeparam name="TIn">The row class (its public properties and fields are the columns).</typeparam>
    /// <param name="request">What to train and how to record it.</param>
    /// <param name="rows">The data (enumerated once and kept in memory for the split).</param>
    /// <param name="cancellationToken">A token that cancels the call (the run then ends <see cref="RunStatus.Killed"/>).</param>
    /// <returns>The run, version, metrics and model.</returns>
    /// <exception cref="ArgumentException">The request is invalid; nothing was recorded.</exception>
    public Task<ModelTrainingResult> TrainAndRegisterAsync<TIn>(ModelTrainingRequest request, IEnumerable<TIn> rows, CancellationToken cancellationToken = default)
        where TIn : class
    {
        ArgumentNullException.ThrowIfNull(rows);
        Validate(request);
        IReadOnlyList<TIn> materialized = rows as IReadOnlyList<TIn> ?? [.. rows];
        var ml = new MLContext(request.Seed);
        return RunAsync(request, ml, ml.Data.LoadFromEnumerable(materialized), cancellationToken);
    }

    /// <summary>Trains on a data view, evaluates, records the run and registers the model.</summary>
    /// <param name="request">What to train and how to record it.</param>
    /// <param name="data">The data (read several times: digest, split, fit, evaluate).</param>
    /// <param name="cancellationToken">A token that cancels the call (the run then ends <see cref="RunStatus.Killed"/>).</param>
    /// <returns>The run, version, metrics and model.</returns>
    /// <exception cref="ArgumentException">The request is invalid; nothing was recorded.</exception>
    public Task<ModelTrainingResult> TrainAndRegisterAsync(ModelTrainingRequest request, IDataView data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        Validate(request);
        return RunAsync(request, new MLContext(request.Seed), data, cancellationToken);
    }

    private static void Validate(ModelTrainingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        RegistryValidation.Name(request.ModelName, nameof(request));
        if (request.Pipeline is null)
        {
            throw new ArgumentException("A pipeline is required.", nameof(request));
        }

        if (!Enum.IsDefined(request.TrainingTask))
        {
            throw new ArgumentException($"Unknown training task {request.TrainingTask}.", nameof(request));
        }

        if (request.ExperimentName is not null)
        {
            Experiment.ValidateName(request.ExperimentName, nameof(request));
        }

        if (!(request.HoldOutFraction is > 0 and < 1))
        {
            throw new ArgumentException($"HoldOutFraction must be more than 0 and less than 1 (it is {request.HoldOutFraction}).", nameof(request));
        }

        if (string.IsNullOrWhiteSpace(request.LabelColumnName))
        {
            throw new ArgumentException("A label column name is required.", nameof(request));
        }

        if (string.IsNullOrWhiteSpace(request.Trigger) || request.Trigger.Length > RegistryValidation.MaxKeyLength)
        {
            throw new ArgumentException($"A trigger of 1 to {RegistryValidation.MaxKeyLength} characters is required.", nameof(request));
        }

        if (request.FeatureImportancePermutationCount is < 0 or > FeatureImportanceOptions.MaxPermutationCount)
        {
            throw new ArgumentException(
                $"FeatureImportancePermutationCount must be 0 to {FeatureImportanceOptions.MaxPermutationCount} (it is {request.FeatureImportancePermutationCount}).", nameof(request));
        }

        RegistryValidation.Params(request.Params, nameof(request));
        RegistryValidation.Tags(request.Tags, nameof(request));
        RegistryValidation.Text(request.Reason, nameof(request));
        RegistryValidation.Text(request.Description, nameof(request));
        if (request.Params?.Keys.FirstOrDefault(ReservedParams.Contains) is { } reserved)
        {
            throw new ArgumentException($"The parameter name '{reserved}' is logged by the runner itself; choose another name.", nameof(request));
        }

        if (request.DatasetName is { } dataset && (string.IsNullOrWhiteSpace(dataset) || dataset.Length > 1000 || dataset.Any(char.IsControl)))
        {
            throw new ArgumentException("A dataset name must be 1 to 1000 printable characters.", nameof(request));
        }
    }

    private async Task<ModelTrainingResult> RunAsync(ModelTrainingRequest request, MLContext ml, IDataView data, CancellationToken cancellationToken)
    {
        TrainingPipelineResult trained = await TrainingPipeline.RunAsync(
            new TrainingJob
            {
                ModelName = request.ModelName,
                MLContext = ml,
                Data = data,
                Task = request.TrainingTask switch
                {
                    ModelTrainingTask.Regression => TrainingEvaluationTask.Regression,
                    ModelTrainingTask.BinaryClassification => TrainingEvaluationTask.Binary,
                    _ => TrainingEvaluationTask.Multiclass,
                },
                LabelColumn = request.LabelColumnName,
                HoldOutFraction = request.HoldOutFraction,
                Seed = request.Seed,
                FeatureImportancePermutations = request.FeatureImportancePermutationCount,
                Fit = (train, _) => Task.FromResult(request.Pipeline.Fit(train) ?? throw new InvalidOperationException("The pipeline returned no model.")),
                ExperimentName = request.ExperimentName,
                RunName = request.RunName,
                Params = request.Params,
                Tags = request.Tags,
                DatasetName = request.DatasetName ?? request.ModelName.Value + "-training",
                DatasetSource = request.DatasetSource,
                ParentVersion = request.ParentVersion,
                ParentAlias = request.ParentAlias,
                Trigger = request.Trigger,
                Reason = request.Reason,
                Description = request.Description,
                Actor = request.Actor,
            },
            _registry,
            _tracker,
            _logger,
            cancellationToken).ConfigureAwait(false);

        string runId = trained.RunId!;
        var result = new ModelTrainingResult
        {
            RunId = runId,
            Version = trained.Version,
            Metrics = trained.Metrics,
            Model = trained.Model,
            Dataset = trained.Dataset,
            TrainRowCount = trained.TrainRowCount,
            TestRowCount = trained.TestRowCount,
        };
        if (request.PromoteTo is not { } alias)
        {
            return result;
        }

        try
        {
            AliasHistoryEntry promotion = await _registry.PromoteAsync(
                new PromoteRequest(request.ModelName, trained.Version.Version, alias)
                {
                    Reason = request.Reason ?? $"trained in run {runId}",
                    Gates = request.PromotionGates,
                    Actor = request.Actor,
                },
                cancellationToken).ConfigureAwait(false);
            return result with { Promotion = promotion };
        }
        catch (PromotionRejectedException ex)
        {
            Log.TrainingPromotionRejected(_logger, trained.Version.Version, request.ModelName.Value, alias.Value, ex.Message);
            return result with { PromotionFailure = ex.Message };
        }
    }
}
