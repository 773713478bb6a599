using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace MLOps.Monitoring.Alerting.Internal;

/// <summary>
/// Listens, inside the process, to the SDK's own instruments on the <c>MLOps</c> meter of one <see cref="IMeterFactory"/>
/// and keeps what the rules need: cumulative prediction counts, errors and latency buckets per model and variant,
/// cumulative failure counts, and the last value of the drift and quality gauges. <see cref="Collect"/> (called once per
/// evaluation, from one thread) polls the observable gauges and snapshots the cumulative series, so rules can ask for
/// the increase over a rolling window.
/// </summary>
internal sealed class InstrumentReader : IDisposable
{
    private const int TotalIndex = 0;
    private const int ErrorIndex = 1;
    private const int FirstBucketIndex = 2;

    private readonly IMeterFactory _meterFactory;
    private readonly InstrumentNeeds _needs;
    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<(string Model, string Variant), PredictionSeries> _predictions = new();
    private readonly Dictionary<string, CounterSeries> _loadFailures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CounterSeries> _retrainFailures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GaugeValue> _drift = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GaugeValue> _quality = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CounterSeries> _rollbacks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GaugeValue> _sampleRatio = new(StringComparer.Ordinal);
    private readonly Dictionary<string, History> _histories = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _generation;
    private bool _collectionFailed;

    public InstrumentReader(IMeterFactory meterFactory, InstrumentNeeds needs)
    {
        _meterFactory = meterFactory;
        _needs = needs;
        _listener = new MeterListener { InstrumentPublished = OnInstrumentPublished };
        _listener.SetMeasurementEventCallback<double>(static (i, v, t, s) => ((InstrumentReader)s!).OnMeasurement(i, v, t));
        _listener.SetMeasurementEventCallback<float>(static (i, v, t, s) => ((InstrumentReader)s!).OnMeasurement(i, v, t));
        _listener.SetMeasurementEventCallback<long>(static (i, v, t, s) => ((InstrumentReader)s!).OnMeasurement(i, v, t));
        _listener.SetMeasurementEventCallback<int>(static (i, v, t, s) => ((InstrumentReader)s!).OnMeasurement(i, v, t));
        _listener.SetMeasurementEventCallback<short>(static (i, v, t, s) => ((InstrumentReader)s!).OnMeasurement(i, v, t));
        _listener.SetMeasurementEventCallback<byte>(static (i, v, t, s) => ((InstrumentReader)s!).OnMeasurement(i, v, t));
    }

    public void Start()
    {
        if (_needs != InstrumentNeeds.None)
        {
            _listener.Start();
        }
    }

    /// <summary>
    /// Polls the observable gauges and snapshots every cumulative series at <paramref name="now"/>, keeping history for
    /// <paramref name="maxWindow"/>. Returns the exception of an observable callback that threw (the others were still
    /// recorded); gauge series that were not reported then keep their previous value instead of going away.
    /// </summary>
    public Exception? Collect(DateTimeOffset now, TimeSpan maxWindow)
    {
        lock (_lock)
        {
            _generation++;
        }

        Exception? failure = null;
        try
        {
            _listener.RecordObservableInstruments();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            failure = ex;
        }

        lock (_lock)
        {
            _collectionFailed = failure is not null;
            foreach (KeyValuePair<(string Model, string Variant), PredictionSeries> entry in _predictions)
            {
                Snapshot("p\n" + entry.Value.Labels.Key, entry.Value.Labels, entry.Value.Read(), now, maxWindow);
            }

            foreach (CounterSeries series in _loadFailures.Values)
            {
                Snapshot("l\n" + series.Labels.Key, series.Labels, [series.Total], now, maxWindow);
            }

            foreach (CounterSeries series in _retrainFailures.Values)
            {
                Snapshot("r\n" + series.Labels.Key, series.Labels, [series.Total], now, maxWindow);
            }

            foreach (CounterSeries series in _rollbacks.Values)
            {
                Snapshot("b\n" + series.Labels.Key, series.Labels, [series.Total], now, maxWindow);
            }
        }

        return failure;
    }

    /// <summary>Per model and variant: predictions, failed predictions and latency bucket counts over the window ending at the last <see cref="Collect"/>.</summary>
    public List<(SeriesLabels Labels, double[] Increase)> PredictionIncrease(TimeSpan window) => Increase("p\n", window);

    public List<(SeriesLabels Labels, double[] Increase)> LoadFailureIncrease(TimeSpan window) => Increase("l\n", window);

    public List<(SeriesLabels Labels, double[] Increase)> RetrainFailureIncrease(TimeSpan window) => Increase("r\n", window);

    public List<(SeriesLabels Labels, double Value)> DriftValues() => Current(_drift);

    public List<(SeriesLabels Labels, double Value)> QualityValues() => Current(_quality);

    /// <summary>Per model: rollouts the analysis rolled back, over the window ending at the last <see cref="Collect"/>.</summary>
    public List<(SeriesLabels Labels, double[] Increase)> RollbackIncrease(TimeSpan window) => Increase("b\n", window);

    public List<(SeriesLabels Labels, double Value)> SampleRatioValues() => Current(_sampleRatio);

    public static double Total(double[] increase) => increase[TotalIndex];

    public static double Errors(double[] increase) => increase[ErrorIndex];

    public static ReadOnlySpan<double> Buckets(double[] increase) => increase.AsSpan(FirstBucketIndex);

    public void Dispose() => _listener.Dispose();

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (instrument.Meter.Name != MLOpsTelemetry.Name || !ReferenceEquals(instrument.Meter.Scope, _meterFactory))
        {
            return;
        }

        InstrumentNeeds need = instrument.Name switch
        {
            WatchedInstruments.PredictionDuration => InstrumentNeeds.PredictionCounts | InstrumentNeeds.PredictionLatency,
            WatchedInstruments.ModelLoads => InstrumentNeeds.LoadFailures,
            WatchedInstruments.RetrainRuns => InstrumentNeeds.RetrainFailures,
            WatchedInstruments.RolloutDecisions => InstrumentNeeds.RolloutRollbacks,
            WatchedInstruments.SampleRatioPValue => InstrumentNeeds.SampleRatio,
            WatchedInstruments.DriftDetected => InstrumentNeeds.Drift,
            WatchedInstruments.ModelQuality => InstrumentNeeds.Quality,
            _ => InstrumentNeeds.None,
        };
        if ((need & _needs) != 0)
        {
            listener.EnableMeasurementEvents(instrument, this);
        }
    }

    private void OnMeasurement(Instrument instrument, double measurement, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        switch (instrument.Name)
        {
            case WatchedInstruments.PredictionDuration:
                OnPrediction(measurement, tags);
                break;
            case WatchedInstruments.ModelLoads:
                if (SeriesLabels.Find(tags, WatchedInstruments.OutcomeTag) == WatchedInstruments.FailureOutcome)
                {
                    SeriesLabels labels = SeriesLabels.Of(
                        (WatchedInstruments.ModelNameTag, SeriesLabels.Find(tags, WatchedInstruments.ModelNameTag) ?? ""),
                        (WatchedInstruments.VariantTag, SeriesLabels.Find(tags, WatchedInstruments.VariantTag) ?? ""));
                    Add(_loadFailures, labels, measurement);
                }

                break;
            case WatchedInstruments.RetrainRuns:
                if (SeriesLabels.Find(tags, WatchedInstruments.RetrainOutcomeTag) == WatchedInstruments.RetrainFailedOutcome)
                {
                    Add(_retrainFailures, SeriesLabels.From(tags, WatchedInstruments.RetrainOutcomeTag, WatchedInstruments.ErrorTypeTag), measurement);
                }

                break;
            case WatchedInstruments.DriftDetected:
                SetGauge(_drift, instrument, SeriesLabels.From(tags), measurement);
                break;
            case WatchedInstruments.ModelQuality:
                SetGauge(_quality, instrument, SeriesLabels.From(tags), measurement);
                break;
            case WatchedInstruments.RolloutDecisions:
                if (SeriesLabels.Find(tags, WatchedInstruments.RolloutDecisionTag) == WatchedInstruments.RolledBackDecision)
                {
                    Add(_rollbacks, SeriesLabels.From(tags, WatchedInstruments.RolloutDecisionTag), measurement);
                }

                break;
            case WatchedInstruments.SampleRatioPValue:
                SetGauge(_sampleRatio, instrument, SeriesLabels.From(tags), measurement);
                break;
        }
    }

    private void OnPrediction(double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string model = "", variant = "";
        bool failed = false;
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            switch (tag.Key)
            {
                case WatchedInstruments.ModelNameTag:
                    model = SeriesLabels.AsString(tag.Value);
                    break;
                case WatchedInstruments.VariantTag:
                    variant = SeriesLabels.AsString(tag.Value);
                    break;
                case WatchedInstruments.ErrorTypeTag:
                    failed = tag.Value is not null;
                    break;
            }
        }

        if (!_predictions.TryGetValue((model, variant), out PredictionSeries? series))
        {
            series = _predictions.GetOrAdd(
                (model, variant),
                static (key, withBuckets) => new PredictionSeries(
                    SeriesLabels.Of((WatchedInstruments.ModelNameTag, key.Model), (WatchedInstruments.VariantTag, key.Variant)),
                    withBuckets),
                (_needs & InstrumentNeeds.PredictionLatency) != 0);
        }

        series.Record(seconds, failed);
    }

    private void Add(Dictionary<string, CounterSeries> counters, SeriesLabels labels, double increment)
    {
        lock (_lock)
        {
            if (!counters.TryGetValue(labels.Key, out CounterSeries? series))
            {
                counters[labels.Key] = series = new CounterSeries(labels);
            }

            series.Total += increment;
        }
    }

    private void SetGauge(Dictionary<string, GaugeValue> gauges, Instrument instrument, SeriesLabels labels, double value)
    {
        lock (_lock)
        {
            gauges[labels.Key] = new GaugeValue(labels, value, instrument.IsObservable ? _generation : -1);
        }
    }

    private List<(SeriesLabels Labels, double Value)> Current(Dictionary<string, GaugeValue> gauges)
    {
        lock (_lock)
        {
            var values = new List<(SeriesLabels, double)>(gauges.Count);
            List<string>? stale = null;
            foreach (KeyValuePair<string, GaugeValue> gauge in gauges)
            {
                // An observable gauge that did not report a series in this collection no longer has it (like a Prometheus series going away).
                if (gauge.Value.Generation >= 0 && gauge.Value.Generation != _generation && !_collectionFailed)
                {
                    (stale ??= []).Add(gauge.Key);
                    continue;
                }

                values.Add((gauge.Value.Labels, gauge.Value.Value));
            }

            foreach (string key in stale ?? [])
            {
                gauges.Remove(key);
            }

            return values;
        }
    }

    private void Snapshot(string key, SeriesLabels labels, double[] cumulative, DateTimeOffset now, TimeSpan maxWindow)
    {
        if (!_histories.TryGetValue(key, out History? history))
        {
            _histories[key] = history = new History(labels);
        }

        history.Add(now, cumulative, maxWindow);
    }

    private List<(SeriesLabels Labels, double[] Increase)> Increase(string prefix, TimeSpan window)
    {
        lock (_lock)
        {
            var result = new List<(SeriesLabels, double[])>();
            foreach (KeyValuePair<string, History> entry in _histories)
            {
                if (entry.Key.StartsWith(prefix, StringComparison.Ordinal) && entry.Value.Increase(window) is { } increase)
                {
                    result.Add((entry.Value.Labels, increase));
                }
            }

            return result;
        }
    }

    private sealed class PredictionSeries(SeriesLabels labels, bool withBuckets)
    {
        private readonly long[] _counts = new long[withBuckets ? FirstBucketIndex + LatencyBuckets.Count : FirstBucketIndex];

        public SeriesLabels Labels { get; } = labels;

        public void Record(double seconds, bool failed)
        {
            Interlocked.Increment(ref _counts[TotalIndex]);
            if (failed)
            {
                Interlocked.Increment(ref _counts[ErrorIndex]);
            }

            if (_counts.Length > FirstBucketIndex)
            {
                Interlocked.Increment(ref _counts[FirstBucketIndex + LatencyBuckets.IndexOf(seconds)]);
            }
        }

        public double[] Read()
        {
            double[] values = new double[_counts.Length];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = Volatile.Read(ref _counts[i]);
            }

            return values;
        }
    }

    private sealed class CounterSeries(SeriesLabels labels)
    {
        public SeriesLabels Labels { get; } = labels;

        public double Total { get; set; }
    }

    private readonly record struct GaugeValue(SeriesLabels Labels, double Value, long Generation);

    /// <summary>Cumulative snapshots of one series at each collection, oldest first.</summary>
    private sealed class History(SeriesLabels labels)
    {
        private readonly List<(DateTimeOffset At, double[] Values)> _snapshots = [];

        public SeriesLabels Labels { get; } = labels;

        public void Add(DateTimeOffset at, double[] values, TimeSpan maxWindow)
        {
            _snapshots.Add((at, values));

            // Keep the newest snapshot at or before the start of the longest window as the baseline; drop older ones.
            DateTimeOffset start = at - maxWindow;
            int baseline = -1;
            for (int i = 0; i < _snapshots.Count && _snapshots[i].At <= start; i++)
            {
                baseline = i;
            }

            if (baseline > 0)
            {
                _snapshots.RemoveRange(0, baseline);
            }
        }

        /// <summary>
        /// The increase over <paramref name="window"/> ending at the newest snapshot: newest minus the newest snapshot at
        /// or before the window start, or minus zero when the series did not exist then (counting started with the listener).
        /// </summary>
        public double[]? Increase(TimeSpan window)
        {
            if (_snapshots.Count == 0)
            {
                return null;
            }

            (DateTimeOffset at, double[] newest) = _snapshots[^1];
            DateTimeOffset start = at - window;
            double[]? baseline = null;
            for (int i = 0; i < _snapshots.Count && _snapshots[i].At <= start; i++)
            {
                baseline = _snapshots[i].Values;
            }

            double[] increase = (double[])newest.Clone();
            if (baseline is not null)
            {
                for (int i = 0; i < increase.Length; i++)
                {
                    increase[i] -= baseline[i];
                }
            }

            return increase;
        }
    }
}
