using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.ML;

namespace MLOps.Internal;

/// <summary>
/// The one train → evaluate → track → register pipeline, used by <c>ModelTrainingRunner</c> (MLOps.Registry) and the
/// retrainer (MLOps.Monitoring). It lives in MLOps.Core because Monitoring does not reference Registry (that would drag
/// Npgsql into every monitored app); both reach it through InternalsVisibleTo.
/// </summary>
/// <remarks>
/// <para>Order: start the run (experiment = model name unless set; tags: the job's, <c>mlops.model.name</c>,
/// <c>mlops.trigger</c>) → log the dataset input (context <c>training</c>, digest <see cref="DatasetDigest"/>) → split →
/// log the parameters → fit → evaluate (<see cref="TrainingEvaluation"/>; non-finite metrics dropped, event 523) → log
/// the metrics (step 0) → permutation feature importance on the hold-out when <see cref="TrainingJob.FeatureImportancePermutations"/> asks (a failure is logged, event 527, and the version registers without it) → <see cref="TrainingJob.BeforeRegister"/> (its tags go to the run too) → store
/// <c>model.zip</c> (or the job's <see cref="TrainingJob.Artifact"/>) in the run → register the version (metrics, parameters, tags, signature, lineage with the run id) →
/// tag the run <c>mlops.registered_version</c> → end it <see cref="RunStatus.Finished"/>.</para>
/// <para>Without a tracker every tracking step is skipped and the lineage's <see cref="ModelLineage.RunId"/> is
/// <see langword="null"/>: there is no run to point at.</para>
/// <para>A failure before the registration ends the run <see cref="RunStatus.Failed"/> (<see cref="RunStatus.Killed"/>
/// when cancelled), logs event 522 and is rethrown; after it, a failure to tag or end the run is logged (event 525), not
/// thrown, so the caller still gets the version.</para>
/// </remarks>
internal static class TrainingPipeline
{
    /// <summary>The parameter names the pipeline logs itself.</summary>
    public static readonly IReadOnlyList<string> ReservedParams = Array.AsReadOnly(
        ["holdout_fraction", "seed", "task", "label_column", "dataset_rows", "train_rows", "test_rows"]);

    private const string Untracked = "(untracked)";

    public static async Task<TrainingPipelineResult> RunAsync(
        TrainingJob job, IModelRegistry registry, IExperimentTracker? tracker, ILogger logger, CancellationToken cancellationToken)
    {
        string modelName = job.ModelName.Value;
        MLContext ml = job.MLContext;
        var runTags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string key, string value) in job.Tags ?? new Dictionary<string, string>())
        {
            runTags[key] = value;
        }

        runTags["mlops.model.name"] = modelName;
        runTags["mlops.trigger"] = job.Trigger;
        TrackedRun? run = tracker is null
            ? null
            : await tracker.StartRunAsync(job.ExperimentName ?? modelName, job.RunName, runTags, cancellationToken).ConfigureAwait(false);
        string? runId = run?.RunId;
        if (runId is not null)
        {
            job.RunStarted?.Invoke(runId);
        }

        RegisteredModelVersion registered;
        TrainingPipelineResult result;
        try
        {
            (string digest, long rowCount) = DatasetDigest.Compute(ml, job.Data);
            var dataset = new DatasetInput(job.DatasetName, digest)
            {
                Source = job.DatasetSource,
                RowCount = rowCount,
                Schema = ModelSignature.FromSchema(job.Data.Schema, job.Data.Schema).Inputs,
                Context = DatasetInput.TrainingContext,
            };
            if (tracker is not null)
            {
                await tracker.LogDatasetInputAsync(runId!, dataset, cancellationToken).ConfigureAwait(false);
            }

            Log.TrainingStarted(logger, modelName, runId ?? Untracked, rowCount, dataset.Name, digest);

            DataOperationsCatalog.TrainTestData split = ml.Data.TrainTestSplit(job.Data, job.HoldOutFraction, seed: job.Seed);
            long trainRows = DatasetDigest.Count(split.TrainSet);
            long testRows = DatasetDigest.Count(split.TestSet);
            Dictionary<string, string> parameters = Parameters(job, rowCount, trainRows, testRows);
            if (tracker is not null)
            {
                await tracker.LogParamsAsync(runId!, parameters, cancellationToken).ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            // Fit is CPU-bound and ignores cancellation; it runs on the thread pool so an async caller is not blocked.
            ITransformer model = await Task.Run(() => job.Fit(split.TrainSet, cancellationToken), cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();

            var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach ((string key, double value) in TrainingEvaluation.Evaluate(ml, job.Task, model.Transform(split.TestSet), job.LabelColumn, job.ScoreColumn))
            {
                if (double.IsFinite(value))
                {
                    metrics[key] = value;
                }
                else
                {
                    Log.TrainingMetricNotFinite(logger, key, runId ?? Untracked, value);
                }
            }

            if (tracker is not null)
            {
                await tracker.LogMetricsAsync(runId!, metrics, step: 0, cancellationToken).ConfigureAwait(false);
            }

            IReadOnlyList<FeatureImportance>? importance = null;
            if (job.FeatureImportancePermutations > 0)
            {
                try
                {
                    importance = await Task.Run(
                        () => MLNetFeatureImportance.Compute(ml, job.Task, model, split.TestSet, job.LabelColumn, job.FeatureImportancePermutations),
                        cancellationToken).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // importance is an extra: a model it cannot explain (no linear or tree predictor at the end) still registers
                catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
                {
                    Log.TrainingFeatureImportanceFailed(logger, ex, runId ?? Untracked);
                }
            }

            TrainingAdditions? additions = job.BeforeRegister is null
                ? null
                : await job.BeforeRegister(new TrainingCandidate(ml, model, split.TestSet, metrics, runId), cancellationToken).ConfigureAwait(false);
            if (additions?.Tags is { Count: > 0 } extraTags)
            {
                foreach ((string key, string value) in extraTags)
                {
                    runTags[key] = value;
                }

                if (tracker is not null)
                {
                    await tracker.SetTagsAsync(runId!, extraTags, cancellationToken).ConfigureAwait(false);
                }
            }

            TrainedArtifact? artifact = job.Artifact?.Invoke(model);
            ReadOnlyMemory<byte> content;
            string artifactPath;
            if (artifact is null)
            {
                using var buffer = new MemoryStream();
                ml.Model.Save(model, job.Data.Schema, buffer);
                content = buffer.ToArray();
                artifactPath = ModelArtifact.DefaultPath;
            }
            else
            {
                content = artifact.Content;
                artifactPath = artifact.Path;
            }

            if (tracker is not null)
            {
                await tracker.LogArtifactAsync(runId!, artifactPath, content, cancellationToken).ConfigureAwait(false);
            }

            ModelVersion? parent = job.ParentVersion ?? additions?.ParentVersion;
            if (parent is null && job.ParentAlias is { } parentAlias)
            {
                parent = (await registry.ResolveAsync(ModelReference.ForAlias(job.ModelName, parentAlias), cancellationToken).ConfigureAwait(false))?.Version;
            }

            var versionTags = new Dictionary<string, string>(runTags, StringComparer.Ordinal);
            versionTags.Remove("mlops.model.name");
            if (run is not null)
            {
                versionTags["mlops.experiment"] = run.ExperimentName;
                versionTags["mlops.run_id"] = run.RunId;
            }

            registered = await registry.RegisterVersionAsync(
                new RegisterVersionRequest(job.ModelName, [ModelArtifact.FromBytes(content, artifactPath)])
                {
                    Description = job.Description,
                    Metrics = metrics,
                    Params = parameters,
                    Tags = versionTags,
                    Signature = artifact?.Signature ?? ModelSignature.FromSchema(job.Data.Schema, model.GetOutputSchema(job.Data.Schema)),
                    FeatureImportance = importance,
                    Lineage = new ModelLineage
                    {
                        RunId = runId,
                        DatasetName = dataset.Name,
                        DatasetDigest = digest,
                        DatasetRowCount = rowCount,
                        ParentVersion = parent,
                        CodeVersion = Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
                        Trigger = job.Trigger,
                        Reason = job.Reason,
                    },
                    Actor = job.Actor,
                },
                cancellationToken).ConfigureAwait(false);

            result = new TrainingPipelineResult(runId, registered, metrics, model, dataset, trainRows, testRows);
        }
        catch (Exception ex)
        {
            RunStatus status = ex is OperationCanceledException && cancellationToken.IsCancellationRequested ? RunStatus.Killed : RunStatus.Failed;
            Log.TrainingFailed(logger, ex, modelName, runId ?? Untracked, status);
            if (tracker is not null)
            {
                try
                {
                    await tracker.EndRunAsync(runId!, status, ex.GetType().Name + ": " + ex.Message, CancellationToken.None).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // the training failure is what the caller needs; a failure to record it is only logged
                catch (Exception endFailure)
#pragma warning restore CA1031
                {
                    Log.TrainingRunNotFinalized(logger, endFailure, runId!, status);
                }
            }

            throw;
        }

        // The version is registered: from here on a tracking failure must not hide it, so it is logged, not thrown.
        if (tracker is not null)
        {
            try
            {
                await tracker.SetTagsAsync(
                    runId!,
                    new Dictionary<string, string>(StringComparer.Ordinal) { ["mlops.registered_version"] = registered.Version.ToString() },
                    CancellationToken.None).ConfigureAwait(false);
                await tracker.EndRunAsync(runId!, RunStatus.Finished, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031
            catch (Exception endFailure)
#pragma warning restore CA1031
            {
                Log.TrainingRunNotFinalized(logger, endFailure, runId!, RunStatus.Finished);
            }
        }

        Log.TrainingRegistered(logger, runId ?? Untracked, registered.Version, modelName);
        return result;
    }

    private static Dictionary<string, string> Parameters(TrainingJob job, long rowCount, long trainRows, long testRows)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string key, string value) in job.Params ?? new Dictionary<string, string>())
        {
            parameters[key] = value;
        }

        parameters["holdout_fraction"] = job.HoldOutFraction.ToString("R", CultureInfo.InvariantCulture);
        parameters["seed"] = job.Seed.ToString(CultureInfo.InvariantCulture);
        parameters["task"] = job.Task switch
        {
            TrainingEvaluationTask.Regression => "Regression",
            TrainingEvaluationTask.Binary => "BinaryClassification",
            _ => "MulticlassClassification",
        };
        parameters["label_column"] = job.LabelColumn;
        parameters["dataset_rows"] = rowCount.ToString(CultureInfo.InvariantCulture);
        parameters["train_rows"] = trainRows.ToString(CultureInfo.InvariantCulture);
        parameters["test_rows"] = testRows.ToString(CultureInfo.InvariantCulture);
        return parameters;
    }
}
