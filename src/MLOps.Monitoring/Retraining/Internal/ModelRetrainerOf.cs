using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.ML;
using MLOps.Internal;

namespace MLOps.Monitoring.Retraining.Internal;

/// <summary>
/// One retrain attempt for a model served as <typeparamref name="TIn"/> → <typeparamref name="TOut"/>: load the rows,
/// then the shared <see cref="TrainingPipeline"/> (the one <c>ModelTrainingRunner</c> runs): split off the hold-out,
/// train (with a timeout) and check the candidate serves <typeparamref name="TIn"/> → <typeparamref name="TOut"/>,
/// evaluate it, evaluate the champion on the same hold-out, record the attempt as a run of the experiment tracker (when
/// one is registered), register the candidate with its lineage (pointing at the run) and both sets of metrics; then
/// decide: promote / challenger / request approval when it beats the champion by the margin; otherwise leave it
/// registered and unpromoted. A worse model is never promoted.
/// </summary>
/// <remarks>
/// With an <see cref="IModelArtifactTrainer{TIn}"/> the candidate is an artifact of another format (an ONNX graph): it is
/// loaded with the format its path names, scored on the hold-out through an <see cref="InferenceScorer"/>, and registered
/// as it is. The champion is loaded with its recorded format either way.
/// </remarks>
internal sealed class ModelRetrainer<TIn, TOut> : ModelRetrainer
    where TIn : class
    where TOut : class, new()
{
    internal const string Actor = "mlops-retrain";

    private readonly IModelRegistry _registry;
    private readonly IModelTrainer<TIn>? _trainer;
    private readonly IModelArtifactTrainer<TIn>? _artifactTrainer;
    private readonly ModelFormatSet _formats;
    private readonly ITrainingDataSource<TIn> _data;
    private readonly RetrainEvaluator _evaluator;
    private readonly RetrainDecision _decision;
    private readonly double _margin;
    private readonly ModelAlias _champion;
    private readonly ModelAlias _challenger;
    private readonly RetrainRolloutBuilder? _rollout;
    private readonly double _holdOut;
    private readonly int _seed;
    private readonly int _featureImportance;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly Func<ModelName, ModelVersion, IReadOnlyList<TIn>, CancellationToken, Task>? _afterRegister;
    private readonly IExperimentTracker? _tracker;
    private readonly ILogger _logger;

    /// <param name="policy">The validated policy.</param>
    /// <param name="registry">Where candidates are registered.</param>
    /// <param name="tracker">Where each attempt is recorded as a run, or <see langword="null"/> (no tracker registered: the attempt is not tracked and the lineage has no run id).</param>
    /// <param name="services">Resolves the trainer and the data source.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The training pipeline's logger (category <c>MLOps.Training</c>).</param>
    /// <param name="afterRegister">Runs after the candidate is registered (the reference profile), or <see langword="null"/>.</param>
    public ModelRetrainer(
        RetrainPolicyBuilder<TIn> policy,
        IModelRegistry registry,
        IExperimentTracker? tracker,
        IServiceProvider services,
        TimeProvider time,
        ILogger logger,
        Func<ModelName, ModelVersion, IReadOnlyList<TIn>, CancellationToken, Task>? afterRegister = null)
        : base(policy.ModelName, new RetrainPolicySettings(
            policy.OnDrift, policy.QualityRules.ToArray(), policy.ScheduleInterval, policy.ScheduleCron, policy.LabelledRowsThreshold,
            policy.CooldownValue, policy.MaxAttempts, policy.RetryBackoff))
    {
        _registry = registry;
        _trainer = policy.TrainerFactory?.Invoke(services);
        _artifactTrainer = policy.ArtifactTrainerFactory?.Invoke(services);
        IModelFormat[] formats = [.. services.GetServices<IModelFormat>()];
        _formats = formats.Length > 0 ? new ModelFormatSet(formats) : ModelFormatSet.BuiltIn;
        _data = policy.DataSourceFactory!(services);
        _evaluator = policy.Evaluator!;
        _decision = policy.Decision;
        _margin = policy.Margin;
        _champion = ModelAlias.Parse(policy.ChampionAlias);
        _challenger = ModelAlias.Parse(policy.ChallengerAlias);
        _rollout = policy.Rollout;
        _holdOut = policy.HoldOutFraction;
        _seed = policy.Seed;
        _featureImportance = policy.FeatureImportancePermutations;
        _timeout = policy.TrainingTimeoutValue;
        _time = time;
        _afterRegister = afterRegister;
        _tracker = tracker;
        _logger = logger;
    }

    public override async Task<RetrainRun> RunAsync(RetrainTrigger trigger, int attempt, CancellationToken cancellationToken)
    {
        var startedAt = _time.GetUtcNow();
        var name = ModelName;
        ModelVersion? championVersion = null;
        ModelVersion? candidateVersion = null;
        string? runId = null;
        IReadOnlyDictionary<string, double> candidateMetrics = new Dictionary<string, double>();
        IReadOnlyDictionary<string, double> championMetrics = new Dictionary<string, double>();
        TrainedModel? external = null;   // an artifact trainer's model: scored on the hold-out, then registered as it is
        try
        {
            var rows = await _data.LoadAsync(trigger, cancellationToken).ConfigureAwait(false);
            if (rows is null || rows.Count < 2)
            {
                throw new InvalidOperationException($"The training data source returned {rows?.Count ?? 0} rows; at least 2 are needed to train and hold out.");
            }

            var ml = new MLContext(_seed);
            var all = ml.Data.LoadFromEnumerable(rows);
            double candidateValue = double.NaN;
            double championValue = double.NaN;
            bool better = false;

            // Evaluates the champion on the candidate's hold-out and decides, before the candidate is registered (the
            // decision is recorded in its tags and in the run's).
            async Task<TrainingAdditions> CompareWithChampionAsync(TrainingCandidate candidate, CancellationToken ct)
            {
                candidateMetrics = candidate.Metrics;
                var champion = await _registry.ResolveAsync(ModelReference.ForAlias(name, _champion), ct).ConfigureAwait(false);
                if (champion is not null)
                {
                    championVersion = champion.Version;
                    championMetrics = await EvaluateChampionAsync(champion, candidate, ct).ConfigureAwait(false);
                }

                candidateValue = Value(candidateMetrics);
                championValue = champion is null ? double.NaN : Value(championMetrics);
                if (!double.IsFinite(candidateValue))
                {
                    throw new InvalidOperationException($"The candidate's {_evaluator.Metric} on the hold-out is {candidateValue}.");
                }

                better = _evaluator.Beats(candidateValue, championValue, _margin);
                var tags = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["mlops.retrain.better_than_champion"] = better ? "true" : "false",
                };
                foreach (var (metric, value) in championMetrics)
                {
                    tags["mlops.retrain.champion." + metric] = value.ToString("R", CultureInfo.InvariantCulture);
                }

                return new TrainingAdditions(tags, championVersion);
            }

            var trained = await TrainingPipeline.RunAsync(
                new TrainingJob
                {
                    ModelName = name,
                    MLContext = ml,
                    Data = all,
                    Task = _evaluator.EvaluationTask,
                    LabelColumn = _evaluator.LabelColumn,
                    ScoreColumn = _evaluator.ScoreColumn,
                    HoldOutFraction = _holdOut,
                    Seed = _seed,
                    FeatureImportancePermutations = _featureImportance,
                    Fit = _artifactTrainer is null
                        ? (train, ct) => TrainAsync(ml, all.Schema, new ModelTrainingContext(ml, train, trigger), ct)
                        : async (train, ct) =>
                        {
                            external = await TrainArtifactAsync(ml, train, new ModelTrainingContext(ml, train, trigger), ct).ConfigureAwait(false);
                            return external.Scorer.Transformer;
                        },
                    Artifact = _ => external?.Artifact,
                    RunStarted = id => runId = id,
                    BeforeRegister = CompareWithChampionAsync,
                    RunName = "retrain " + trigger.TagValue + " attempt " + attempt.ToString(CultureInfo.InvariantCulture),
                    Tags = new Dictionary<string, string>(StringComparer.Ordinal)
                    {
                        ["mlops.retrain.trigger"] = trigger.TagValue,
                        ["mlops.retrain.metric"] = _evaluator.Metric,
                    },
                    DatasetName = ModelName.Value + "/retrain/" + trigger.TagValue,
                    Trigger = trigger.TagValue,
                    Reason = trigger.Reason,
                    Description = "Retrained: " + trigger.Reason,
                    Actor = Actor,
                },
                _registry,
                _tracker,
                _logger,
                cancellationToken).ConfigureAwait(false);
            var registered = trained.Version;
            candidateVersion = registered.Version;
            if (_afterRegister is not null)
            {
                await _afterRegister(name, registered.Version, rows, cancellationToken).ConfigureAwait(false);
            }

            string reason = string.Create(CultureInfo.InvariantCulture,
                $"retrain ({trigger.TagValue}: {trigger.Reason}): {_evaluator.Metric} {candidateValue:G6} vs champion {(championVersion is null ? "none" : championValue.ToString("G6", CultureInfo.InvariantCulture))} on {trained.TestRowCount} hold-out rows");
            RetrainOutcome outcome;
            string? rolloutId = null;
            if (!better)
            {
                outcome = RetrainOutcome.Rejected;
            }
            else if (_decision == RetrainDecision.Challenger)
            {
                await _registry.PromoteAsync(new PromoteRequest(name, registered.Version, _challenger) { Reason = reason, Actor = Actor }, cancellationToken)
                    .ConfigureAwait(false);
                outcome = RetrainOutcome.Challenger;
            }
            else if (_decision == RetrainDecision.StartRollout)
            {
                // Live traffic decides: the rollout analysis promotes the candidate or rolls it back.
                Rollout rollout = await _registry.StartRolloutAsync(_rollout!.ToRequest(name, registered.Version, reason, Actor), cancellationToken)
                    .ConfigureAwait(false);
                rolloutId = rollout.Id;
                outcome = RetrainOutcome.RolloutStarted;
            }
            else if (_decision == RetrainDecision.RequireApproval)
            {
                await _registry.RequestApprovalAsync(new ApprovalRequest(name, registered.Version, _champion) { Reason = reason, Actor = Actor }, cancellationToken)
                    .ConfigureAwait(false);
                outcome = RetrainOutcome.ApprovalRequested;
            }
            else
            {
                await _registry.PromoteAsync(new PromoteRequest(name, registered.Version, _champion) { Reason = reason, Actor = Actor }, cancellationToken)
                    .ConfigureAwait(false);
                outcome = RetrainOutcome.Promoted;
            }

            await TagOutcomeAsync(runId, outcome).ConfigureAwait(false);
            return new RetrainRun(trigger, attempt, outcome, startedAt, _time.GetUtcNow(), candidateVersion, championVersion, candidateMetrics, championMetrics, null)
            {
                RunId = runId,
                RolloutId = rolloutId,
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // any failure of the application's trainer or data becomes a Failed run, retried by the loop
        catch (Exception e)
#pragma warning restore CA1031
        {
            await TagOutcomeAsync(runId, RetrainOutcome.Failed).ConfigureAwait(false);
            return new RetrainRun(trigger, attempt, RetrainOutcome.Failed, startedAt, _time.GetUtcNow(), candidateVersion, championVersion,
                candidateMetrics, championMetrics, e.GetType().Name + ": " + e.Message)
            {
                RunId = runId,
            };
        }
        finally
        {
            external?.Dispose();
        }
    }

    /// <summary>Records the decision on the tracked run (tags can change after the run ended); a failure is only logged.</summary>
    private async Task TagOutcomeAsync(string? runId, RetrainOutcome outcome)
    {
        if (_tracker is null || runId is null)
        {
            return;
        }

        try
        {
            await _tracker.SetTagsAsync(
                runId,
                new Dictionary<string, string>(StringComparer.Ordinal) { ["mlops.retrain.outcome"] = RetrainMetrics.OutcomeValue(outcome) },
                CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // the retrain's outcome stands; the tag is bookkeeping
        catch (Exception e)
#pragma warning restore CA1031
        {
            RetrainLog.RunNotTagged(_logger, e, runId, ModelName.Value);
        }
    }

    private async Task<ITransformer> TrainAsync(MLContext ml, DataViewSchema inputSchema, ModelTrainingContext context, CancellationToken cancellationToken)
    {
        ITransformer candidate = await WithTimeoutAsync(ct => _trainer!.TrainAsync(context, ct), cancellationToken).ConfigureAwait(false);
        EnsureServes(ml, candidate, inputSchema);
        return candidate;
    }

    /// <summary>
    /// Runs the artifact trainer, loads its artifact with the format its path names, and checks it serves
    /// <typeparamref name="TIn"/> → <typeparamref name="TOut"/>; the pipeline evaluates it through the returned scorer
    /// and registers the artifact's bytes as they are.
    /// </summary>
    private async Task<TrainedModel> TrainArtifactAsync(MLContext ml, IDataView train, ModelTrainingContext context, CancellationToken cancellationToken)
    {
        ModelArtifact artifact = await WithTimeoutAsync(ct => _artifactTrainer!.TrainAsync(context, ct), cancellationToken).ConfigureAwait(false);
        byte[] content;
        Stream stream = await artifact.OpenReadAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            content = (await Buffer(stream, cancellationToken).ConfigureAwait(false)).ToArray();
        }

        IModelFormat format = _formats.Resolve(artifact.Path, null);
        InferenceModel model;
        try
        {
            model = format.Load(content, new ModelLoadContext(ModelName, ml, null, null));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidOperationException($"The trained artifact '{artifact.Path}' cannot be loaded as {format.Name}: {e.Message}", e);
        }

        try
        {
            InferenceScorer scorer = InferenceScorer.Create<TIn, TOut>(ml, model, train);
            return new TrainedModel(model, scorer, new TrainedArtifact(content, artifact.Path, model.Signature));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Evaluates the champion (of any format: its recorded one, else the one its file name says) on the candidate's hold-out.</summary>
    private async Task<IReadOnlyDictionary<string, double>> EvaluateChampionAsync(RegisteredModelVersion champion, TrainingCandidate candidate, CancellationToken cancellationToken)
    {
        byte[] content;
        Stream stream = await _registry.OpenArtifactAsync(ModelName, champion.Version, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            content = (await Buffer(stream, cancellationToken).ConfigureAwait(false)).ToArray();
        }

        IModelFormat format = _formats.Resolve(champion.PrimaryArtifactPath, champion.Format);
        using InferenceModel model = format.Load(content, new ModelLoadContext(ModelName, candidate.MLContext, null, null));
        using InferenceScorer scorer = InferenceScorer.Create<TIn, TOut>(candidate.MLContext, model, candidate.TestSet);
        return _evaluator.Evaluate(candidate.MLContext, scorer.Transformer, candidate.TestSet);
    }

    /// <summary>Runs a training step on the thread pool with the policy's timeout.</summary>
    private async Task<T> WithTimeoutAsync<T>(Func<CancellationToken, Task<T>> train, CancellationToken cancellationToken)
        where T : class
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        // The trainer runs on the thread pool: ML.NET's Fit ignores cancellation, so a hung trainer is abandoned
        // (and logged as a timeout) rather than awaited forever.
        Task<T> training = Task.Run(() => train(timeout.Token), timeout.Token);
        try
        {
            return await training.WaitAsync(_timeout, _time, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The trainer returned no model.");
        }
        catch (Exception e) when (e is TimeoutException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new TimeoutException($"Training did not finish within {_timeout}.", e);
        }
    }

    private static void EnsureServes(MLContext ml, ITransformer candidate, DataViewSchema inputSchema)
    {
        try
        {
            using var engine = ml.Model.CreatePredictionEngine<TIn, TOut>(candidate, inputSchema);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new InvalidOperationException(
                $"The trained model does not map {typeof(TIn).Name} to {typeof(TOut).Name} (a different schema?): {e.Message}", e);
        }
    }

    private double Value(IReadOnlyDictionary<string, double> metrics) =>
        metrics.TryGetValue(_evaluator.Metric, out double v) ? v : double.NaN;

    /// <summary>An artifact trainer's model: loaded (for the hold-out) and the artifact to register.</summary>
    private sealed class TrainedModel(InferenceModel model, InferenceScorer scorer, TrainedArtifact artifact) : IDisposable
    {
        public InferenceScorer Scorer => scorer;

        public TrainedArtifact Artifact => artifact;

        public void Dispose()
        {
            scorer.Dispose();
            model.Dispose();
        }
    }

    private static async Task<MemoryStream> Buffer(Stream stream, CancellationToken cancellationToken)
    {
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
        copy.Position = 0;
        return copy;
    }
}
