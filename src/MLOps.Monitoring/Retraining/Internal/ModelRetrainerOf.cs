using System.Globalization;
using System.Reflection;
using Microsoft.ML;
using MLOps.Internal;

namespace MLOps.Monitoring.Retraining.Internal;

/// <summary>
/// One retrain attempt for a model served as <typeparamref name="TIn"/> → <typeparamref name="TOut"/>: load the rows,
/// split off the hold-out, train (with a timeout), check the candidate serves <typeparamref name="TIn"/> →
/// <typeparamref name="TOut"/>, evaluate candidate and champion on the same hold-out, register the candidate with its
/// lineage and both sets of metrics, and decide: promote / challenger / request approval when it beats the champion by
/// the margin; otherwise leave it registered and unpromoted. A worse model is never promoted.
/// </summary>
internal sealed class ModelRetrainer<TIn, TOut> : ModelRetrainer
    where TIn : class
    where TOut : class, new()
{
    internal const string Actor = "mlops-retrain";

    private readonly IModelRegistry _registry;
    private readonly IModelTrainer<TIn> _trainer;
    private readonly ITrainingDataSource<TIn> _data;
    private readonly RetrainEvaluator _evaluator;
    private readonly RetrainDecision _decision;
    private readonly double _margin;
    private readonly ModelAlias _champion;
    private readonly ModelAlias _challenger;
    private readonly double _holdOut;
    private readonly int _seed;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly Func<ModelName, ModelVersion, IReadOnlyList<TIn>, CancellationToken, Task>? _afterRegister;

    public ModelRetrainer(
        RetrainPolicyBuilder<TIn> policy,
        IModelRegistry registry,
        IServiceProvider services,
        TimeProvider time,
        Func<ModelName, ModelVersion, IReadOnlyList<TIn>, CancellationToken, Task>? afterRegister = null)
        : base(policy.ModelName, new RetrainPolicySettings(
            policy.OnDrift, policy.QualityRules.ToArray(), policy.ScheduleInterval, policy.ScheduleCron, policy.LabelledRowsThreshold,
            policy.CooldownValue, policy.MaxAttempts, policy.RetryBackoff))
    {
        _registry = registry;
        _trainer = policy.TrainerFactory!(services);
        _data = policy.DataSourceFactory!(services);
        _evaluator = policy.Evaluator!;
        _decision = policy.Decision;
        _margin = policy.Margin;
        _champion = ModelAlias.Parse(policy.ChampionAlias);
        _challenger = ModelAlias.Parse(policy.ChallengerAlias);
        _holdOut = policy.HoldOutFraction;
        _seed = policy.Seed;
        _timeout = policy.TrainingTimeoutValue;
        _time = time;
        _afterRegister = afterRegister;
    }

    public override async Task<RetrainRun> RunAsync(RetrainTrigger trigger, int attempt, CancellationToken cancellationToken)
    {
        var startedAt = _time.GetUtcNow();
        var name = MLOps.ModelName.Parse(ModelName);
        ModelVersion? championVersion = null;
        ModelVersion? candidateVersion = null;
        IReadOnlyDictionary<string, double> candidateMetrics = new Dictionary<string, double>();
        IReadOnlyDictionary<string, double> championMetrics = new Dictionary<string, double>();
        try
        {
            var rows = await _data.LoadAsync(trigger, cancellationToken).ConfigureAwait(false);
            if (rows is null || rows.Count < 2)
            {
                throw new InvalidOperationException($"The training data source returned {rows?.Count ?? 0} rows; at least 2 are needed to train and hold out.");
            }

            var ml = new MLContext(_seed);
            var all = ml.Data.LoadFromEnumerable(rows);
            var split = ml.Data.TrainTestSplit(all, _holdOut, seed: _seed);

            ITransformer candidate = await TrainAsync(new ModelTrainingContext(ml, split.TrainSet, trigger), cancellationToken).ConfigureAwait(false);
            EnsureServes(ml, candidate, all.Schema);
            candidateMetrics = _evaluator.Evaluate(ml, candidate, split.TestSet);

            var champion = await _registry.ResolveAsync(ModelReference.ForAlias(name, _champion), cancellationToken).ConfigureAwait(false);
            if (champion is not null)
            {
                championVersion = champion.Version;
                ITransformer championModel;
                var stream = await _registry.OpenArtifactAsync(name, champion.Version, cancellationToken: cancellationToken).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    championModel = ml.Model.Load(await Buffer(stream, cancellationToken).ConfigureAwait(false), out _);
                }

                championMetrics = _evaluator.Evaluate(ml, championModel, split.TestSet);
            }

            double candidateValue = Value(candidateMetrics);
            double championValue = champion is null ? double.NaN : Value(championMetrics);
            if (!double.IsFinite(candidateValue))
            {
                throw new InvalidOperationException($"The candidate's {_evaluator.Metric} on the hold-out is {candidateValue}.");
            }

            bool better = _evaluator.Beats(candidateValue, championValue, _margin);
            var registered = await RegisterAsync(name, ml, candidate, all, rows.Count, trigger, championVersion, candidateMetrics, championMetrics, better, cancellationToken)
                .ConfigureAwait(false);
            candidateVersion = registered.Version;
            if (_afterRegister is not null)
            {
                await _afterRegister(name, registered.Version, rows, cancellationToken).ConfigureAwait(false);
            }

            string reason = string.Create(CultureInfo.InvariantCulture,
                $"retrain ({trigger.TagValue}: {trigger.Reason}): {_evaluator.Metric} {candidateValue:G6} vs champion {(champion is null ? "none" : championValue.ToString("G6", CultureInfo.InvariantCulture))} on {Count(split.TestSet)} hold-out rows");
            RetrainOutcome outcome;
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

            return new RetrainRun(trigger, attempt, outcome, startedAt, _time.GetUtcNow(), candidateVersion, championVersion, candidateMetrics, championMetrics, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // any failure of the application's trainer or data becomes a Failed run, retried by the loop
        catch (Exception e)
#pragma warning restore CA1031
        {
            return new RetrainRun(trigger, attempt, RetrainOutcome.Failed, startedAt, _time.GetUtcNow(), candidateVersion, championVersion,
                candidateMetrics, championMetrics, e.GetType().Name + ": " + e.Message);
        }
    }

    private async Task<ITransformer> TrainAsync(ModelTrainingContext context, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        // The trainer runs on the thread pool: ML.NET's Fit ignores cancellation, so a hung trainer is abandoned
        // (and logged as a timeout) rather than awaited forever.
        Task<ITransformer> training = Task.Run(() => _trainer.TrainAsync(context, timeout.Token), timeout.Token);
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

    private async Task<RegisteredModelVersion> RegisterAsync(
        ModelName name, MLContext ml, ITransformer candidate, IDataView all, long rowCount, RetrainTrigger trigger,
        ModelVersion? championVersion, IReadOnlyDictionary<string, double> candidateMetrics, IReadOnlyDictionary<string, double> championMetrics,
        bool better, CancellationToken cancellationToken)
    {
        DataViewSchema inputSchema = all.Schema;
        byte[] artifact;
        using (var buffer = new MemoryStream())
        {
            ml.Model.Save(candidate, inputSchema, buffer);
            artifact = buffer.ToArray();
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["mlops.retrain.trigger"] = trigger.TagValue,
            ["mlops.retrain.metric"] = _evaluator.Metric,
            ["mlops.retrain.better_than_champion"] = better ? "true" : "false",
        };
        foreach (var (metric, value) in championMetrics)
        {
            tags["mlops.retrain.champion." + metric] = value.ToString("R", CultureInfo.InvariantCulture);
        }

        return await _registry.RegisterVersionAsync(
            new RegisterVersionRequest(name, [ModelArtifact.FromBytes(artifact)])
            {
                Description = "Retrained: " + trigger.Reason,
                Metrics = candidateMetrics.Where(m => double.IsFinite(m.Value)).ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal),
                Tags = tags,
                Lineage = new ModelLineage
                {
                    RunId = "retrain-" + Guid.NewGuid().ToString("N"),
                    DatasetName = ModelName + "/retrain/" + trigger.TagValue,
                    DatasetDigest = DatasetDigest.Compute(ml, all).Digest,
                    DatasetRowCount = rowCount,
                    ParentVersion = championVersion,
                    CodeVersion = Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
                    Trigger = trigger.TagValue,
                    Reason = trigger.Reason,
                },
                Signature = ModelSignature.FromSchema(inputSchema, candidate.GetOutputSchema(inputSchema)),
                Actor = Actor,
            },
            cancellationToken).ConfigureAwait(false);
    }

    private double Value(IReadOnlyDictionary<string, double> metrics) =>
        metrics.TryGetValue(_evaluator.Metric, out double v) ? v : double.NaN;

    private static long Count(IDataView data)
    {
        if (data.GetRowCount() is long known)
        {
            return known;
        }

        long count = 0;
        using var cursor = data.GetRowCursor([]);
        while (cursor.MoveNext())
        {
            count++;
        }

        return count;
    }

    private static async Task<MemoryStream> Buffer(Stream stream, CancellationToken cancellationToken)
    {
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
        copy.Position = 0;
        return copy;
    }
}
