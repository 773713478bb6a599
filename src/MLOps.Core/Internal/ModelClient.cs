using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using MLOps.Internal.Rollouts;

namespace MLOps.Internal;

/// <summary>
/// The serving hot path: lease the current version (or, during a rollout, the arm the request is assigned to), rent an
/// engine, predict, record, notify observers; mirror the request to a shadow or warming candidate (ModelClient.Rollouts.cs).
/// </summary>
internal sealed partial class ModelClient<TIn, TOut> : IModelClient<TIn, TOut>, IAsyncDisposable, IDisposable
    where TIn : class
    where TOut : class, new()
{
    /// <summary>The activity tag of a batch run in one call of the runtime: its number of items.</summary>
    private const string BatchSizeTag = "mlops.prediction.batch_size";

    private readonly ModelRuntime<TIn, TOut> _runtime;
    private readonly MLOpsMetrics _metrics;
    private readonly IPredictionObserver<TIn, TOut>[] _observers;
    private readonly ObserverErrorLog _observerErrors;
    private readonly string _activityName;
    private readonly Func<TIn, string?>? _assignmentKey;
    private readonly MirrorQueue<TIn, TOut> _mirror;

    // Built on the first request to explain, per served version (the handle), and dropped with it.
    private readonly ConditionalWeakTable<ModelHandle<TIn, TOut>, ContributionExplainer<TIn>> _explainers = [];

    public ModelClient(
        ModelRuntime<TIn, TOut> runtime,
        MLOpsMetrics metrics,
        IPredictionObserver<TIn, TOut>[] observers,
        ILogger logger,
        TimeProvider timeProvider,
        TimeSpan observerErrorLogInterval,
        Func<TIn, string?>? assignmentKey = null,
        int mirrorQueueCapacity = RolloutServingBuilder<TIn>.DefaultMirrorQueueCapacity,
        CancellationToken stopping = default)
    {
        _runtime = runtime;
        _metrics = metrics;
        _observers = observers;
        _observerErrors = new ObserverErrorLog(logger, timeProvider, observerErrorLogInterval);
        _activityName = "mlops.predict " + runtime.Name.Value;
        _assignmentKey = assignmentKey;
        _logger = logger;
        _mirror = new MirrorQueue<TIn, TOut>(mirrorQueueCapacity, ProcessMirrored, logger, runtime.Name.Value, stopping);
    }

    public ModelName ModelName => _runtime.Name;

    public Prediction<TOut> Predict(TIn input) => Predict(input, assignmentKey: null);

    public Prediction<TOut> Predict(TIn input, string? assignmentKey)
    {
        ArgumentNullException.ThrowIfNull(input);
        CandidateArm<TIn, TOut>? arm = _runtime.Arm;
        if (arm is not null)
        {
            return PredictDuringRollout(arm, input, assignmentKey);
        }

        ModelPredictor<TIn, TOut> engine = _runtime.Rent(out ModelHandle<TIn, TOut> handle);
        try
        {
            return PredictCore(handle, engine, input);
        }
        finally
        {
            handle.Return(engine);
        }
    }

    /// <summary>Predicts like <see cref="Predict(TIn)"/> and explains the prediction; refuses before predicting when the version cannot explain. During a rollout the primary answers (an explanation is a diagnostic, not routed traffic).</summary>
    public ExplainedPrediction<TOut> PredictWithExplanation(TIn input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ModelPredictor<TIn, TOut> engine = _runtime.Rent(out ModelHandle<TIn, TOut> handle);
        try
        {
            ContributionExplainer<TIn> explainer = _explainers.GetValue(handle, static h => ContributionExplainer<TIn>.Create(h.Model.Model));
            if (explainer.NotSupportedReason is { } why)
            {
                throw new NotSupportedException($"Version {handle.Version} of model '{_runtime.Name}' cannot explain its predictions. {why}");
            }

            Prediction<TOut> prediction = PredictCore(handle, engine, input);
            return new ExplainedPrediction<TOut>(prediction, explainer.Explain(input));
        }
        finally
        {
            handle.Return(engine);
        }
    }

    public Prediction<TOut>[] PredictBatch(IReadOnlyList<TIn> inputs) => PredictBatch(inputs, assignmentKey: null);

    public Prediction<TOut>[] PredictBatch(IReadOnlyList<TIn> inputs, string? assignmentKey)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        for (int i = 0; i < inputs.Count; i++)
        {
            if (inputs[i] is null)
            {
                throw new ArgumentNullException(nameof(inputs), $"Input at index {i} is null.");
            }
        }

        var results = new Prediction<TOut>[inputs.Count];
        if (results.Length == 0)
        {
            return results;
        }

        // The whole batch goes to one arm, so that it keeps its promise: all predictions with the same version.
        CandidateArm<TIn, TOut>? arm = _runtime.Arm;
        int bucket = arm is null ? RolloutBucket.Count : Bucket(arm, inputs[0], assignmentKey);
        ModelPredictor<TIn, TOut> engine = arm is null ? _runtime.Rent(out ModelHandle<TIn, TOut> handle) : RentArm(arm, bucket, out handle);
        try
        {
            if (results.Length > 1 && engine.CanPredictBatch && TryPredictBatch(handle, engine, inputs, results))
            {
                return results;
            }

            for (int i = 0; i < results.Length; i++)
            {
                results[i] = PredictCore(handle, engine, inputs[i]);
            }
        }
        finally
        {
            handle.Return(engine);
        }

        if (arm is not null && handle != arm.Handle && bucket < arm.MirrorThreshold)
        {
            for (int i = 0; i < results.Length; i++)
            {
                Post(arm, inputs[i], results[i].PredictionId);
            }
        }

        return results;
    }

    /// <summary>
    /// Runs the batch in one call of the runtime. Each item records the batch's duration divided by its size and is
    /// observed like a single prediction; the batch gets one activity. When the call fails, it returns
    /// <see langword="false"/> and the caller predicts row by row, so each row reports its own outcome.
    /// </summary>
    private bool TryPredictBatch(ModelHandle<TIn, TOut> handle, ModelPredictor<TIn, TOut> engine, IReadOnlyList<TIn> inputs, Prediction<TOut>[] results)
    {
        bool recordDuration = _metrics.PredictionDuration.Enabled;
        long started = recordDuration ? Stopwatch.GetTimestamp() : 0;
        Activity? activity = MLOpsMetrics.ActivitySource.HasListeners() ? StartActivity(handle) : null;
        activity?.SetTag(BatchSizeTag, inputs.Count);
        TOut[] values;
        try
        {
            values = engine.PredictBatch(inputs);
        }
        catch (Exception ex)
        {
            if (activity is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error, ex.Message);
                activity.SetTag(MLOpsTelemetry.Tags.ErrorType, ex.GetType().FullName);
                activity.Dispose();
            }

            return false;
        }

        if (recordDuration)
        {
            double perItem = Stopwatch.GetElapsedTime(started).TotalSeconds / values.Length;
            KeyValuePair<string, object?>[] tags = handle.DurationTags(_runtime.Name.Value);
            for (int i = 0; i < values.Length; i++)
            {
                _metrics.PredictionDuration.Record(perItem, tags);
            }
        }

        activity?.Dispose();
        for (int i = 0; i < values.Length; i++)
        {
            results[i] = new Prediction<TOut>(values[i], PredictionId.NewId(), handle.Version, handle.Variant);
            if (_observers.Length != 0)
            {
                Notify(inputs[i], results[i]);
            }
        }

        return true;
    }

    private Prediction<TOut> PredictCore(ModelHandle<TIn, TOut> handle, ModelPredictor<TIn, TOut> engine, TIn input)
    {
        bool recordDuration = _metrics.PredictionDuration.Enabled;
        long started = recordDuration ? Stopwatch.GetTimestamp() : 0;
        Activity? activity = MLOpsMetrics.ActivitySource.HasListeners() ? StartActivity(handle) : null;
        TOut value;
        try
        {
            value = engine.Predict(input);
        }
        catch (Exception ex)
        {
            if (recordDuration)
            {
                RecordFailedDuration(handle, started, ex);
            }

            if (activity is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error, ex.Message);
                activity.SetTag(MLOpsTelemetry.Tags.ErrorType, ex.GetType().FullName);
                activity.Dispose();
            }

            throw;
        }

        if (recordDuration)
        {
            _metrics.PredictionDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, handle.DurationTags(_runtime.Name.Value));
        }

        var prediction = new Prediction<TOut>(value, PredictionId.NewId(), handle.Version, handle.Variant);
        if (activity is not null)
        {
            activity.SetTag("mlops.prediction.id", prediction.PredictionId.ToString());
            activity.Dispose();
        }

        if (_observers.Length != 0)
        {
            Notify(input, prediction);
        }

        return prediction;
    }

    /// <summary>Records the duration of a prediction that threw, with its error type (a success records with <see cref="ModelHandle{TIn, TOut}.DurationTags"/>).</summary>
    private void RecordFailedDuration(ModelHandle<TIn, TOut> handle, long started, Exception error)
    {
        var tags = new TagList
        {
            { MLOpsTelemetry.Tags.ModelName, _runtime.Name.Value },
            { MLOpsTelemetry.Tags.ModelVersion, handle.VersionText },
            { MLOpsTelemetry.Tags.Variant, handle.Variant },
            { MLOpsTelemetry.Tags.ErrorType, error.GetType().FullName },
        };
        _metrics.PredictionDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
    }

    private Activity? StartActivity(ModelHandle<TIn, TOut> handle)
    {
        Activity? activity = MLOpsMetrics.ActivitySource.StartActivity(_activityName, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(MLOpsTelemetry.Tags.ModelName, _runtime.Name.Value);
            activity.SetTag(MLOpsTelemetry.Tags.ModelVersion, handle.VersionText);
            activity.SetTag(MLOpsTelemetry.Tags.Variant, handle.Variant);
        }

        return activity;
    }

    private void Notify(TIn input, in Prediction<TOut> prediction, bool isShadow = false)
    {
        var context = new PredictionContext<TIn, TOut>(_runtime.Name, input, prediction) { IsShadow = isShadow };
        foreach (IPredictionObserver<TIn, TOut> observer in _observers)
        {
            try
            {
                observer.OnPrediction(in context);
            }
            catch (Exception ex)
            {
                OnObserverFailed(observer, ex);
            }
        }
    }

    private void OnObserverFailed(IPredictionObserver<TIn, TOut> observer, Exception exception)
    {
        string observerName = observer.GetType().FullName ?? observer.GetType().Name;
        if (_metrics.ObserverErrors.Enabled)
        {
            _metrics.ObserverErrors.Add(
                1,
                new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.ModelName, _runtime.Name.Value),
                new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.Observer, observerName),
                new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.ErrorType, exception.GetType().FullName));
        }

        _observerErrors.Report(exception, observerName, _runtime.Name.Value);
    }
}
