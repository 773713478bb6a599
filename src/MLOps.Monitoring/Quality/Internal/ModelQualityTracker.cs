using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using MLOps.Monitoring.Quality.Feedback;

namespace MLOps.Monitoring.Quality.Internal;

/// <summary>
/// The quality state of one model: its prediction store, the open window and latest closed window per version and
/// variant, the last <see cref="QualityLimits.HistoryLength"/> closed windows, and feedback totals.
/// </summary>
internal sealed partial class ModelQualityTracker
{
    private static readonly IReadOnlyList<SegmentQuality> NoSegments = [];
    private static readonly ReadOnlyDictionary<string, double> NoRatios = new(new Dictionary<string, double>());

    private readonly TimeProvider _timeProvider;
    private readonly QualityEvents _events;
    private readonly ILogger _logger;
    private readonly QualityInstruments? _instruments;
    private readonly BoundedInterner _segments;
    private readonly BoundedInterner _classes;
    private readonly Lock _gate = new();
    private readonly Dictionary<(int Version, string Variant), WindowAccumulator> _open = [];
    private readonly Dictionary<(int Version, string Variant), QualityWindow> _latestClosed = [];
    private readonly Queue<QualityWindow> _history = new(QualityLimits.HistoryLength);
    private QualityWindow[] _closedSnapshot = [];
    private long _joined;
    private long _late;
    private long _duplicate;
    private long _invalid;
    private PredictionStore? _shadowStore;

    public ModelQualityTracker(QualitySettings settings, TimeProvider timeProvider, QualityEvents events, ILogger logger, QualityInstruments? instruments = null)
    {
        Settings = settings;
        Name = MLOps.ModelName.Parse(settings.ModelName);
        _timeProvider = timeProvider;
        _events = events;
        _logger = logger;
        _instruments = instruments;
        _segments = new BoundedInterner(settings.MaxDistinctSegments, settings.MaxStringLength);
        _classes = new BoundedInterner(settings.Task == QualityTask.MulticlassClassification ? settings.MaxClasses : 0, settings.MaxStringLength);
        Store = new PredictionStore(settings.StoreCapacity, settings.FeedbackTimeToLive);
    }

    public QualitySettings Settings { get; }

    public string ModelName => Settings.ModelName;

    /// <summary>The model name as the public reports carry it.</summary>
    public ModelName Name { get; }

    public PredictionStore Store { get; }

    /// <summary>The latest closed window per version and variant (for the gauges), replaced atomically on each close.</summary>
    public QualityWindow[] ClosedSnapshot => Volatile.Read(ref _closedSnapshot);

    public TimeProvider TimeProvider => _timeProvider;

    internal QualityEvents EventsForTest => _events;

    internal int SegmentCountForTest => _segments.Count;

    /// <summary>
    /// Makes a prediction safe to keep: the segment value becomes one of a bounded set of strings (or
    /// <see cref="SegmentQuality.OtherSegments"/>), the class label one of the bounded classes, and a prediction that
    /// cannot be scored (not finite, out of range, an unusable label) is marked refused and keeps no label. Allocates
    /// nothing for a known segment and class.
    /// </summary>
    /// <param name="prediction">The prediction, bounded and checked in place.</param>
    /// <param name="count">
    /// Whether to count a refusal or a segment overflow: <see langword="true"/> when the prediction is made; <see langword="false"/>
    /// when one read back from a log or the fleet's queue is admitted again (it was counted when it was made).
    /// </param>
    public void Admit(ref StoredPrediction prediction, bool count = true)
    {
        if (prediction.Variant.Length > Settings.MaxStringLength)
        {
            // Only a damaged or foreign prediction log holds such a variant (live ones come from configuration).
            prediction.Variant = prediction.Variant[..Settings.MaxStringLength];
        }

        if (prediction.Segment is { } segment)
        {
            InternResult result = _segments.TryIntern(segment, out string? kept);
            prediction.Segment = kept ?? SegmentQuality.OtherSegments;
            if (result != InternResult.Kept && count)
            {
                Count(_instruments?.SegmentOverflow, result == InternResult.TooLong ? "too_long" : "segment_limit");
            }
        }

        PredictionRefusal refusal = Settings.Task switch
        {
            QualityTask.Regression => !double.IsFinite(prediction.Value) ? PredictionRefusal.NotFinite
                : IsInRange(prediction.Value) ? PredictionRefusal.None
                : PredictionRefusal.OutOfRange,
            QualityTask.BinaryClassification => !Settings.HasScore ? PredictionRefusal.None
                : !double.IsFinite(prediction.Score) ? PredictionRefusal.NotFinite
                : prediction.Score is >= 0 and <= 1 ? PredictionRefusal.None
                : PredictionRefusal.OutOfRange,
            _ => AdmitLabel(ref prediction.Label),
        };
        prediction.Refusal = refusal;
        if (refusal != PredictionRefusal.None)
        {
            prediction.Label = null;
            if (count)
            {
                Count(_instruments?.PredictionRefused, RefusalTag(refusal));
            }
        }
    }

    /// <summary>The reason answered for feedback on a refused prediction.</summary>
    public string RefusalReason(PredictionRefusal refusal) => refusal switch
    {
        PredictionRefusal.NotFinite => Settings.Task == QualityTask.Regression
            ? "The prediction is not a finite number, so it is kept out of the quality metrics."
            : "The predicted probability is not a finite number, so the prediction is kept out of the quality metrics.",
        PredictionRefusal.OutOfRange => Settings.Task == QualityTask.Regression
            ? $"The prediction is outside the accepted range {RangeText()} of model '{ModelName}', so it is kept out of the quality metrics."
            : "The predicted probability is outside [0, 1], so the prediction is kept out of the quality metrics.",
        PredictionRefusal.NoLabel => "The prediction has no class label, so it is kept out of the quality metrics.",
        PredictionRefusal.LabelTooLong => string.Create(CultureInfo.InvariantCulture, $"The predicted class is longer than {Settings.MaxStringLength} characters, so the prediction is kept out of the quality metrics."),
        _ => string.Create(CultureInfo.InvariantCulture, $"The predicted class is beyond the {Settings.MaxClasses} distinct classes kept for model '{ModelName}', so the prediction is kept out of the quality metrics."),
    };

    internal static string RefusalTag(PredictionRefusal refusal) => refusal switch
    {
        PredictionRefusal.NotFinite => "not_finite",
        PredictionRefusal.OutOfRange => "out_of_range",
        PredictionRefusal.NoLabel => "no_label",
        PredictionRefusal.LabelTooLong => "too_long",
        _ => "class_limit",
    };

    /// <summary>Converts feedback to the window's actual value; <see langword="null"/> reason when valid.</summary>
    public string? TryConvert(in GroundTruth actual, out double number, out string? label)
    {
        label = null;
        switch (Settings.Task)
        {
            case QualityTask.Regression:
                if (actual.TryGetRegressionTarget(out number))
                {
                    return IsInRange(number)
                        ? null
                        : $"The actual value is outside the accepted range {RangeText()} of model '{ModelName}'.";
                }

                return actual.Kind == GroundTruthKind.Number
                    ? "The actual value is not a finite number."
                    : $"Model '{ModelName}' is a regression model: the actual value must be a number, not {Describe(actual.Kind)}.";
            case QualityTask.BinaryClassification:
                bool isPositive = false;
                bool ok = actual.TryGetBinaryLabel(out isPositive);
                number = isPositive ? 1 : 0;
                return ok ? null : $"Model '{ModelName}' is a binary classifier: the actual value must be true/false (or 1/0).";
            default:
                number = double.NaN;
                if (!actual.TryGetClassLabel(out label))
                {
                    return $"Model '{ModelName}' is a multiclass classifier: the actual value must be a class label (a string or an integer).";
                }

                if (label!.Length > Settings.MaxStringLength)
                {
                    label = null;
                    return string.Create(CultureInfo.InvariantCulture, $"The actual class is longer than {Settings.MaxStringLength} characters.");
                }

                return null;
        }
    }

    public void CountInvalid() => Interlocked.Increment(ref _invalid);

    public void CountDuplicate() => Interlocked.Increment(ref _duplicate);

    /// <summary>Counts feedback for a refused prediction: invalid, and skipped in the current window of its version and variant.</summary>
    /// <param name="version">The version that made the prediction.</param>
    /// <param name="variant">The variant that served it.</param>
    /// <param name="position">Fleet mode: the pair's queue position, remembered with the window; -1 otherwise.</param>
    public void RecordRefused(ModelVersion version, string variant, long position = -1)
    {
        Interlocked.Increment(ref _invalid);
        CountInOpenWindow(version, variant, late: false, position);
    }

    /// <summary>Counts late feedback in the current window of the version and variant that made the prediction.</summary>
    /// <param name="version">The version that made the prediction.</param>
    /// <param name="variant">The variant that served it.</param>
    /// <param name="position">Fleet mode: the pair's queue position, remembered with the window; -1 otherwise.</param>
    public void RecordLate(ModelVersion version, string variant, long position = -1)
    {
        Interlocked.Increment(ref _late);
        CountInOpenWindow(version, variant, late: true, position);
    }

    /// <summary>Counts one unscored feedback (late, or else skipped) in the current window of the version and variant, closing due windows first.</summary>
    private void CountInOpenWindow(ModelVersion version, string variant, bool late, long position)
    {
        List<ClosedWindow>? closed = null;
        DateTimeOffset now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            CloseDueLocked(now, ref closed);
            WindowAccumulator window = GetOpenLocked(version, variant, now);
            Remember(window, position);
            if (late)
            {
                window.Late++;
            }
            else
            {
                window.Skipped++;
            }
        }

        Raise(closed);
    }

    /// <summary>Adds a labelled pair to the current window of the prediction's version and variant.</summary>
    /// <remarks>
    /// A shadow's pair (<paramref name="pairedShadow"/>) is scored in its own window but is not another feedback.
    /// <paramref name="position"/> is the pair's queue position in fleet mode, remembered with the window; -1 otherwise.
    /// </remarks>
    public void Join(ModelVersion version, string variant, double predicted, double score, string? predictedLabel, string? segment, double actual, string? actualLabel, bool pairedShadow = false, long position = -1)
    {
        if (!pairedShadow)
        {
            Interlocked.Increment(ref _joined);
        }

        List<ClosedWindow>? closed = null;
        DateTimeOffset now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            CloseDueLocked(now, ref closed);
            WindowAccumulator window = GetOpenLocked(version, variant, now);
            Remember(window, position);
            bool usable = Settings.Task switch
            {
                QualityTask.Regression => double.IsFinite(predicted) && IsInRange(predicted) && IsInRange(actual),
                QualityTask.BinaryClassification => !Settings.HasScore || score is >= 0 and <= 1,
                _ => predictedLabel is not null && actualLabel is not null,
            };
            if (usable)
            {
                window.Pairs.Add(new WindowPair(actual, predicted, score, actualLabel, predictedLabel, segment));
            }
            else
            {
                window.Skipped++;
            }

            if (Settings.WindowDuration is null && window.Pairs.Count >= Settings.WindowSize)
            {
                (closed ??= []).Add(CloseLocked(window, now));
            }

            if (!usable)
            {
                predictedLabel = null;   // not scored below either
                predicted = double.NaN;
            }
        }

        Raise(closed);
        if (_events.HasScoredSubscribers && Measure(predicted, predictedLabel, actual, actualLabel) is { } measure)
        {
            _events.RaiseScored(new ScoredPrediction(ModelName, version.Number, variant, measure));
        }
    }

    /// <summary>
    /// The per-prediction measure of a usable pair: the absolute error of a regression, 1 or 0 for a correct or wrong
    /// classification; <see langword="null"/> when the pair was not usable.
    /// </summary>
    private double? Measure(double predicted, string? predictedLabel, double actual, string? actualLabel) => Settings.Task switch
    {
        QualityTask.Regression => double.IsFinite(predicted) ? Math.Abs(predicted - actual) : null,
        QualityTask.BinaryClassification => double.IsFinite(predicted) ? (predicted >= 0.5) == (actual >= 0.5) ? 1 : 0 : null,
        _ => predictedLabel is null ? null : string.Equals(predictedLabel, actualLabel, StringComparison.Ordinal) ? 1 : 0,
    };

    /// <summary>
    /// The store of shadow predictions (same ids as the served ones, kept apart so that a shadow never replaces the served
    /// prediction it mirrors), created on the first shadow prediction.
    /// </summary>
    public PredictionStore? ShadowStore => Volatile.Read(ref _shadowStore);

    /// <summary>
    /// Keeps a shadow prediction beside the served one and, when the served one is still stored, publishes how they
    /// compare (agreement of labels, or absolute difference of values).
    /// </summary>
    public void AddShadow(in StoredPrediction shadow)
    {
        PredictionStore store = Volatile.Read(ref _shadowStore)
            ?? Interlocked.CompareExchange(ref _shadowStore, new PredictionStore(Store.Capacity, Settings.FeedbackTimeToLive), null)
            ?? _shadowStore!;
        store.Add(shadow);
        if (shadow.Refusal != PredictionRefusal.None
            || Store.TryGet(shadow.Id, shadow.UtcTicks, out StoredPrediction served) == StoreLookup.NotFound
            || served.Refusal != PredictionRefusal.None)
        {
            return;
        }

        bool regression = Settings.Task == QualityTask.Regression;
        double difference = regression ? Math.Abs(shadow.Value - served.Value) : double.NaN;
        bool agrees = Settings.Task switch
        {
            QualityTask.Regression => difference == 0,
            QualityTask.BinaryClassification => shadow.Value == served.Value,
            _ => string.Equals(shadow.Label, served.Label, StringComparison.Ordinal),
        };
        var comparison = new ShadowComparison(ModelName, served.Version, shadow.Version, regression, difference, agrees);
        _instruments?.RecordShadow(comparison);
        if (_events.HasShadowSubscribers)
        {
            _events.RaiseShadow(comparison);
        }
    }

    /// <summary>Closes time windows whose interval is over (called by the background sweep and lazily on reads).</summary>
    public void CloseDueWindows()
    {
        if (Settings.WindowDuration is null)
        {
            return;
        }

        List<ClosedWindow>? closed = null;
        lock (_gate)
        {
            CloseDueLocked(_timeProvider.GetUtcNow(), ref closed);
        }

        Raise(closed);
    }

    /// <param name="follower">
    /// Whether this replica follows a fleet's leader: its closed windows are then the fleet's (<see cref="ApplyFleetWindows"/>)
    /// and it has no open ones.
    /// </param>
    public ModelQualityReport GetLatest(bool follower = false)
    {
        CloseDueWindows();
        DateTimeOffset now = _timeProvider.GetUtcNow();
        List<QualityWindow> current = [];
        QualityWindow[] closed;
        QualityWindow[] history;
        lock (_gate)
        {
            foreach (WindowAccumulator window in _open.Values)
            {
                if (window.IsOpen)
                {
                    current.Add(Snapshot(window, window.End == DateTimeOffset.MaxValue ? now : window.End, isClosed: false));
                }
            }

            closed = [.. _latestClosed.Values];
            history = [.. _history];
        }

        return new ModelQualityReport(
            Name,
            Settings.Task,
            Order(closed),
            Order(current),
            history,
            Interlocked.Read(ref _joined),
            Interlocked.Read(ref _late),
            Interlocked.Read(ref _duplicate),
            Interlocked.Read(ref _invalid),
            follower);
    }

    private static QualityWindow[] Order(IEnumerable<QualityWindow> windows) =>
        [.. windows.OrderByDescending(w => w.ModelVersion.Number).ThenBy(w => w.Variant, StringComparer.Ordinal)];

    private WindowAccumulator GetOpenLocked(ModelVersion version, string variant, DateTimeOffset now)
    {
        if (!_open.TryGetValue((version.Number, variant), out WindowAccumulator? window))
        {
            _open[(version.Number, variant)] = window = new WindowAccumulator(version, variant);
        }

        if (!window.IsOpen)
        {
            window.Open(now, Settings.WindowDuration);
        }

        return window;
    }

    private void CloseDueLocked(DateTimeOffset now, ref List<ClosedWindow>? closed)
    {
        if (Settings.WindowDuration is null)
        {
            return;
        }

        List<WindowAccumulator>? due = null;
        foreach (WindowAccumulator window in _open.Values)
        {
            if (window.IsOpen && now >= window.End)
            {
                (due ??= []).Add(window);
            }
        }

        if (due is null)
        {
            return;
        }

        // Oldest end first (then newest version, then variant), so the history stays in the order the windows ended.
        due.Sort(static (a, b) =>
        {
            int order = a.End.CompareTo(b.End);
            order = order != 0 ? order : b.Version.Number.CompareTo(a.Version.Number);
            return order != 0 ? order : string.CompareOrdinal(a.Variant, b.Variant);
        });
        foreach (WindowAccumulator window in due)
        {
            (closed ??= []).Add(CloseLocked(window, window.End));
        }
    }

    private ClosedWindow CloseLocked(WindowAccumulator window, DateTimeOffset end)
    {
        QualityWindow result = Snapshot(window, end, isClosed: true);
        var closed = new ClosedWindow(result, [.. window.Positions], Guid.NewGuid());
        if (_fleet)
        {
            // Queued for the joiner under the same lock as the close, so a step-down (DiscardOpen) never misses one.
            _unpublished.Add(closed);
        }
        else
        {
            RecordClosedLocked(result);
        }

        window.Reset();
        return closed;
    }

    private void RecordClosedLocked(QualityWindow result)
    {
        _latestClosed[(result.ModelVersion.Number, result.Variant)] = result;
        if (_history.Count == QualityLimits.HistoryLength)
        {
            _history.Dequeue();
        }

        _history.Enqueue(result);
        Volatile.Write(ref _closedSnapshot, [.. _latestClosed.Values]);
    }

    private QualityWindow Snapshot(WindowAccumulator window, DateTimeOffset end, bool isClosed)
    {
        ReadOnlySpan<WindowPair> pairs = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(window.Pairs);
        var undefined = new Dictionary<string, string>(StringComparer.Ordinal);
        var metrics = new ReadOnlyDictionary<string, double>(WindowMetrics.Compute(Settings.Task, Settings.HasScore, pairs, undefined));
        IReadOnlyList<SegmentQuality> segments = NoSegments;
        IReadOnlyDictionary<string, double> ratios = NoRatios;
        if (Settings.HasSegments && !pairs.IsEmpty)
        {
            (segments, ratios) = WindowMetrics.ComputeSegments(Settings.Task, Settings.HasScore, pairs, Settings.MaxSegments, Settings.MinimumSegmentSize);
        }

        return new QualityWindow(
            Name,
            window.Version,
            window.Variant,
            Settings.Task,
            window.Start,
            end,
            isClosed,
            pairs.Length,
            window.Skipped,
            window.Late,
            metrics,
            WindowMetrics.ReadOnly(undefined),
            segments,
            ratios);
    }

    private void Raise(List<ClosedWindow>? closed)
    {
        if (closed is null)
        {
            return;
        }

        if (_fleet)
        {
            return;   // queued when closed: the joiner publishes them, then tells subscribers
        }

        foreach (ClosedWindow window in closed)
        {
            Tell(window.Window);
        }
    }

    /// <summary>Logs a window that is now final, counts its undefined metrics and tells the subscribers.</summary>
    private void Tell(QualityWindow window)
    {
        Log.QualityWindowClosed(_logger, ModelName, window.ModelVersion, window.Variant, window.Count);
        CountSkippedMetrics(window);
        _events.Raise(window);
    }

    private void CountSkippedMetrics(QualityWindow window)
    {
        if (_instruments?.MetricSkipped is not { Enabled: true } counter)
        {
            return;
        }

        foreach (KeyValuePair<string, string> metric in window.UndefinedMetrics)
        {
            counter.Add(1, new TagList
            {
                { MLOpsTelemetry.Tags.ModelName, ModelName },
                { MLOpsTelemetry.Tags.ModelVersion, window.ModelVersion.Number.ToString(CultureInfo.InvariantCulture) },
                { MLOpsTelemetry.Tags.Variant, window.Variant },
                { QualityTelemetry.MetricNameTag, metric.Key },
                { QualityTelemetry.ReasonTag, WindowMetrics.ReasonTag(metric.Value) },
            });
        }
    }

    private PredictionRefusal AdmitLabel(ref string? label)
    {
        if (label is null)
        {
            return PredictionRefusal.NoLabel;
        }

        InternResult result = _classes.TryIntern(label, out string? kept);
        label = kept;
        return result switch
        {
            InternResult.Kept => PredictionRefusal.None,
            InternResult.TooLong => PredictionRefusal.LabelTooLong,
            _ => PredictionRefusal.ClassLimit,
        };
    }

    private bool IsInRange(double value) => value >= Settings.MinimumValue && value <= Settings.MaximumValue;

    private string RangeText() =>
        string.Create(CultureInfo.InvariantCulture, $"[{Settings.MinimumValue:R}, {Settings.MaximumValue:R}]");

    private void Count(System.Diagnostics.Metrics.Counter<long>? counter, string reason)
    {
        if (counter is { Enabled: true })
        {
            counter.Add(1, new TagList { { MLOpsTelemetry.Tags.ModelName, ModelName }, { QualityTelemetry.ReasonTag, reason } });
        }
    }

    private static string Describe(GroundTruthKind kind) => kind switch
    {
        GroundTruthKind.Boolean => "a boolean",
        GroundTruthKind.Label => "a label",
        _ => "empty",
    };
}
