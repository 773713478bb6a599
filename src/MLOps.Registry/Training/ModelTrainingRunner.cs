using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML;
using MLOps.Internal;
using MLOps.Registry.Internal;
using Log = MLOps.Registry.Internal.Log;

namespace MLOps;

/// <summary>
/// Train → evaluate → track → register in one call: fits an ML.NET pipeline on a split of the data, evaluates it on the
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
    public static readonly IReadOnlyList<string> ReservedParams = Array.AsReadOnly(
        ["holdout_fraction", "seed", "task", "label_column", "dataset_rows", "train_rows", "test_rows"]);

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
        string modelName = request.ModelName.Value;
        var runTags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string key, string value) in request.Tags ?? new Dictionary<string, string>())
        {
            runTags[key] = value;
        }

        runTags["mlops.model.name"] = modelName;
        runTags["mlops.trigger"] = request.Trigger;
        TrackedRun run = await _tracker.StartRunAsync(request.ExperimentName ?? modelName, request.RunName, runTags, cancellationToken).ConfigureAwait(false);
        string runId = run.RunId;
        RegisteredModelVersion registered;
        ModelTrainingResult result;
        try
        {
            (string digest, long rowCount) = DatasetDigest.Compute(ml, data);
            var dataset = new DatasetInput(request.DatasetName ?? modelName + "-training", digest)
            {
                Source = request.DatasetSource,
                RowCount = rowCount,
                Schema = ModelSignature.FromSchema(data.Schema, data.Schema).Inputs,
                Context = DatasetInput.TrainingContext,
            };
            await _tracker.LogDatasetInputAsync(runId, dataset, cancellationToken).ConfigureAwait(false);
            Log.TrainingStarted(_logger, modelName, runId, rowCount, dataset.Name, digest);

            DataOperationsCatalog.TrainTestData split = ml.Data.TrainTestSplit(data, request.HoldOutFraction, seed: request.Seed);
            long trainRows = DatasetDigest.Count(split.TrainSet);
            long testRows = DatasetDigest.Count(split.TestSet);
            var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach ((string key, string value) in request.Params ?? new Dictionary<string, string>())
            {
                parameters[key] = value;
            }

            parameters["holdout_fraction"] = request.HoldOutFraction.ToString("R", CultureInfo.InvariantCulture);
            parameters["seed"] = request.Seed.ToString(CultureInfo.InvariantCulture);
            parameters["task"] = request.TrainingTask.ToString();
            parameters["label_column"] = request.LabelColumnName;
            parameters["dataset_rows"] = rowCount.ToString(CultureInfo.InvariantCulture);
            parameters["train_rows"] = trainRows.ToString(CultureInfo.InvariantCulture);
            parameters["test_rows"] = testRows.ToString(CultureInfo.InvariantCulture);
            await _tracker.LogParamsAsync(runId, parameters, cancellationToken).ConfigureAwait(false);

            cancellationToken.ThrowIfCancellationRequested();
            // Fit is CPU-bound and ignores cancellation; it runs on the thread pool so an async caller is not blocked.
            ITransformer model = await Task.Run(() => request.Pipeline.Fit(split.TrainSet), cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The pipeline returned no model.");
            cancellationToken.ThrowIfCancellationRequested();

            var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach ((string key, double value) in Evaluate(ml, request, model.Transform(split.TestSet)))
            {
                if (double.IsFinite(value))
                {
                    metrics[key] = value;
                }
                else
                {
                    Log.TrainingMetricNotFinite(_logger, key, runId, value);
                }
            }

            await _tracker.LogMetricsAsync(runId, metrics, step: 0, cancellationToken).ConfigureAwait(false);

            byte[] zip;
            using (var buffer = new MemoryStream())
            {
                ml.Model.Save(model, data.Schema, buffer);
                zip = buffer.ToArray();
            }

            await _tracker.LogArtifactAsync(runId, ModelArtifact.DefaultPath, zip, cancellationToken).ConfigureAwait(false);

            ModelVersion? parent = request.ParentVersion;
            if (parent is null && request.ParentAlias is { } parentAlias)
            {
                parent = (await _registry.ResolveAsync(ModelReference.ForAlias(request.ModelName, parentAlias), cancellationToken).ConfigureAwait(false))?.Version;
            }

            var versionTags = new Dictionary<string, string>(runTags, StringComparer.Ordinal)
            {
                ["mlops.experiment"] = run.ExperimentName,
                ["mlops.run_id"] = runId,
            };
            versionTags.Remove("mlops.model.name");
            registered = await _registry.RegisterVersionAsync(
                new RegisterVersionRequest(request.ModelName, [ModelArtifact.FromBytes(zip)])
                {
                    Description = request.Description,
                    Metrics = metrics,
                    Params = parameters,
                    Tags = versionTags,
                    Signature = ModelSignature.FromSchema(data.Schema, model.GetOutputSchema(data.Schema)),
                    Lineage = new ModelLineage
                    {
                        RunId = runId,
                        DatasetName = dataset.Name,
                        DatasetDigest = digest,
                        DatasetRowCount = rowCount,
                        ParentVersion = parent,
                        CodeVersion = Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
                        Trigger = request.Trigger,
                        Reason = request.Reason,
                    },
                    Actor = request.Actor,
                },
                cancellationToken).ConfigureAwait(false);

            result = new ModelTrainingResult
            {
                RunId = runId,
                Version = registered,
                Metrics = metrics,
                Model = model,
                Dataset = dataset,
                TrainRowCount = trainRows,
                TestRowCount = testRows,
            };
        }
        catch (Exception ex)
        {
            RunStatus status = ex is OperationCanceledException && cancellationToken.IsCancellationRequested ? RunStatus.Killed : RunStatus.Failed;
            Log.TrainingFailed(_logger, ex, modelName, runId, status);
            try
            {
                await _tracker.EndRunAsync(runId, status, ex.GetType().Name + ": " + ex.Message, CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // the training failure is what the caller needs; a failure to record it is only logged
            catch (Exception endFailure)
#pragma warning restore CA1031
            {
                Log.TrainingRunNotFinalized(_logger, endFailure, runId, status);
            }

            throw;
        }

        // The version is registered: from here on a tracking failure must not hide it, so it is logged, not thrown.
        try
        {
            await _tracker.SetTagsAsync(
                runId,
                new Dictionary<string, string>(StringComparer.Ordinal) { ["mlops.registered_version"] = registered.Version.ToString() },
                CancellationToken.None).ConfigureAwait(false);
            await _tracker.EndRunAsync(runId, RunStatus.Finished, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031
        catch (Exception endFailure)
#pragma warning restore CA1031
        {
            Log.TrainingRunNotFinalized(_logger, endFailure, runId, RunStatus.Finished);
        }

        Log.TrainingRegistered(_logger, runId, registered.Version, modelName);

        if (request.PromoteTo is not { } alias)
        {
            return result;
        }

        try
        {
            AliasHistoryEntry promotion = await _registry.PromoteAsync(
                new PromoteRequest(request.ModelName, registered.Version, alias)
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
            Log.TrainingPromotionRejected(_logger, registered.Version, modelName, alias.Value, ex.Message);
            return result with { PromotionFailure = ex.Message };
        }
    }

    private static Dictionary<string, double> Evaluate(MLContext ml, ModelTrainingRequest request, IDataView scored) =>
        TrainingEvaluation.Evaluate(
            ml,
            request.TrainingTask switch
            {
                ModelTrainingTask.Regression => TrainingEvaluationTask.Regression,
                ModelTrainingTask.BinaryClassification => TrainingEvaluationTask.Binary,
                _ => TrainingEvaluationTask.Multiclass,
            },
            scored,
            request.LabelColumnName);
}
