using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Profiles.Internal;
using MLOps.Monitoring.Quality.Feedback;

namespace MLOps.Monitoring.Quality.Internal;

/// <summary>
/// Stores each prediction of one model for joining feedback: reads the predicted value, label or probability and
/// the segment, writes a struct into the model's ring store and queues it for the durable log. Allocates nothing
/// itself (user selectors may).
/// </summary>
internal sealed class QualityObserver<TIn, TOut> : IPredictionObserver<TIn, TOut>
    where TIn : class
    where TOut : class, new()
{
    private readonly ModelQualityTracker _tracker;
    private readonly PredictionLogWriter _log;
    private readonly TimeProvider _timeProvider;
    private readonly Func<TOut, double>? _value;
    private readonly Func<TOut, bool>? _label;
    private readonly Func<TOut, double>? _probability;
    private readonly Func<TOut, string?>? _class;
    private readonly Func<TIn, string?>? _segment;
    private readonly MemberFeature<TIn>[]? _inputs;

    public QualityObserver(ModelQualityTracker tracker, PredictionLogWriter log, QualityMonitoringBuilder<TIn, TOut> options)
    {
        _tracker = tracker;
        _log = log;
        _timeProvider = tracker.TimeProvider;
        _value = options.Value;
        _label = options.PredictedLabel;
        _probability = options.Probability;
        _class = options.PredictedClass;
        _segment = options.Segment;
        _inputs = options.InputFeatures;
    }

    public void OnPrediction(in PredictionContext<TIn, TOut> context)
    {
        TOut output = context.Prediction.Value;
        var stored = new StoredPrediction
        {
            Id = context.Prediction.PredictionId,
            UtcTicks = _timeProvider.GetUtcNow().UtcTicks,
            Version = context.Prediction.ModelVersion.Number,
            Variant = context.Prediction.Variant,
            Segment = _segment?.Invoke(context.Input),
            Value = _value is not null ? _value(output) : _label is not null ? (_label(output) ? 1 : 0) : double.NaN,
            Score = _probability is not null ? _probability(output) : double.NaN,
            Label = _class?.Invoke(output),
        };
        _tracker.Admit(ref stored);
        if (context.IsShadow)
        {
            // A mirrored prediction: never served traffic, kept beside the served one for paired scoring.
            _tracker.AddShadow(stored);
            return;
        }

        _tracker.Store.Add(stored);
        if (_log.Enabled)
        {
            _log.TryEnqueue(new PredictionRecord(
                stored.Id,
                _tracker.Name,
                context.Prediction.ModelVersion,
                stored.Variant,
                new DateTimeOffset(stored.UtcTicks, TimeSpan.Zero),
                stored.Value,
                stored.Score,
                stored.Label,
                stored.Segment,
                _inputs is null ? null : ReadInputs(_inputs, context.Input)));
        }
    }

    /// <summary>The input's features as drift reads them: numbers (NaN when null), Booleans as 1/0, category texts.</summary>
    private static LoggedFeature[] ReadInputs(MemberFeature<TIn>[] features, TIn input)
    {
        var inputs = new LoggedFeature[features.Length];
        for (int i = 0; i < features.Length; i++)
        {
            MemberFeature<TIn> feature = features[i];
            inputs[i] = feature.Kind == FeatureKind.Categorical
                ? new LoggedFeature(feature.Name, FeatureKind.Categorical, double.NaN, feature.CategoryOf(input))
                : new LoggedFeature(feature.Name, feature.Kind, feature.Number!(input), null);
        }

        return inputs;
    }
}
