using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace MLOps.Internal;

/// <summary>The serving hot path: lease the current version, rent an engine, predict, record, notify observers.</summary>
internal sealed class ModelClient<TIn, TOut> : IModelClient<TIn, TOut>
    where TIn : class
    where TOut : class, new()
{
    private readonly ModelRuntime<TIn, TOut> _runtime;
    private readonly MLOpsMetrics _metrics;
    private readonly IPredictionObserver<TIn, TOut>[] _observers;
    private readonly ObserverErrorLog _observerErrors;
    private readonly string _activityName;

    // Built on the first request to explain, per served version (the handle), and dropped with it.
    private readonly ConditionalWeakTable<ModelHandle<TIn, TOut>, ContributionExplainer<TIn>> _explainers = [];

    public ModelClient(
        ModelRuntime<TIn, TOut> runtime,
        MLOpsMetrics metrics,
        IPredictionObserver<TIn, TOut>[] observers,
        ILogger logger,
        TimeProvider timeProvider,
        TimeSpan observerErrorLogInterval)
    {
        _runtime = runtime;
        _metrics = metrics;
        _observers = observers;
        _observerErrors = new ObserverErrorLog(logger, timeProvider, observerErrorLogInterval);
        _activityName = "mlops.predict " + runtime.Name.Value;
    }

    public ModelName ModelName => _runtime.Name;

    public Prediction<TOut> Predict(TIn input)
    {
        ArgumentNullException.ThrowIfNull(input);
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

    /// <summary>Predicts like <see cref="Predict"/> and explains the prediction; refuses before predicting when the version cannot explain.</summary>
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

    public Prediction<TOut>[] PredictBatch(IReadOnlyList<TIn> inputs)
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

        ModelPredictor<TIn, TOut> engine = _runtime.Rent(out ModelHandle<TIn, TOut> handle);
        try
        {
            for (int i = 0; i < results.Length; i++)
            {
                results[i] = PredictCore(handle, engine, inputs[i]);
            }

            return results;
        }
        finally
        {
            handle.Return(engine);
        }
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
                RecordDuration(handle, started, ex);
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
            RecordDuration(handle, started, error: null);
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

    private void RecordDuration(ModelHandle<TIn, TOut> handle, long started, Exception? error)
    {
        var tags = new TagList
        {
            { MLOpsTelemetry.Tags.ModelName, _runtime.Name.Value },
            { MLOpsTelemetry.Tags.ModelVersion, handle.VersionText },
            { MLOpsTelemetry.Tags.Variant, handle.Variant },
        };
        if (error is not null)
        {
            tags.Add(MLOpsTelemetry.Tags.ErrorType, error.GetType().FullName);
        }

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

    private void Notify(TIn input, in Prediction<TOut> prediction)
    {
        var context = new PredictionContext<TIn, TOut>(_runtime.Name, input, prediction);
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
