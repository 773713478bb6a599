using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MLOps.Monitoring.Alerting.Internal;

/// <summary>
/// Evaluates the rules over the <see cref="InstrumentReader"/> and runs each alert's state machine, as Prometheus does:
/// a condition that holds makes the alert pending, after the rule's <c>for</c> duration it fires (notified once), it is
/// notified again every re-notify interval while it fires, and notified as resolved when the condition stops holding.
/// One alert per (rule, label set).
/// </summary>
internal sealed class AlertEngine : IAlertManager, IDisposable
{
    private readonly AlertingOptions _options;
    private readonly AlertQueue _queue;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _serviceName;
    private readonly InstrumentReader _reader;
    private readonly TimeSpan _maxWindow;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _evaluationLock = new();
    private Snapshot _snapshot = new([], null);
    private bool _started;

    public AlertEngine(
        IOptions<AlertingOptions> options,
        IOptions<MLOpsOptions> mlopsOptions,
        IMeterFactory meterFactory,
        AlertingMetrics metrics,
        AlertQueue queue,
        TimeProvider timeProvider,
        ILogger<AlertEngine> logger)
    {
        _options = options.Value;
        Rules = [.. _options.Rules];
        _queue = queue;
        _timeProvider = timeProvider;
        _logger = logger;
        _serviceName = mlopsOptions.Value.ServiceName;
        InstrumentNeeds needs = InstrumentNeeds.None;
        TimeSpan maxWindow = TimeSpan.Zero;
        foreach (AlertRule rule in Rules)
        {
            needs |= rule.Kind switch
            {
                AlertRuleKind.DriftDetected => InstrumentNeeds.Drift,
                AlertRuleKind.QualityBelow or AlertRuleKind.QualityAbove => InstrumentNeeds.Quality,
                AlertRuleKind.ErrorRateAbove => InstrumentNeeds.PredictionCounts,
                AlertRuleKind.LatencyP95Above => InstrumentNeeds.PredictionLatency,
                AlertRuleKind.RetrainFailed => InstrumentNeeds.RetrainFailures,
                AlertRuleKind.ModelLoadFailed => InstrumentNeeds.LoadFailures,
                AlertRuleKind.RolloutRolledBack => InstrumentNeeds.RolloutRollbacks,
                AlertRuleKind.SampleRatioMismatch => InstrumentNeeds.SampleRatio,
                _ => InstrumentNeeds.None,
            };
            if (rule.Window > maxWindow)
            {
                maxWindow = rule.Window;
            }
        }

        _maxWindow = maxWindow;
        _reader = new InstrumentReader(meterFactory, needs);
        metrics.AddAlertsGauge(ObserveFiring);
    }

    public IReadOnlyList<AlertRule> Rules { get; }

    public DateTimeOffset? LastEvaluatedAt => Volatile.Read(ref _snapshot).EvaluatedAt;

    public IReadOnlyList<Alert> GetAlerts() => Volatile.Read(ref _snapshot).Alerts;

    /// <summary>Starts listening to the instruments; measurements before this are not seen.</summary>
    public void Start()
    {
        lock (_evaluationLock)
        {
            if (!_started)
            {
                _started = true;
                _reader.Start();
            }
        }
    }

    /// <summary>Evaluates every rule once at the current time and queues the notifications it causes.</summary>
    public void Evaluate()
    {
        lock (_evaluationLock)
        {
            DateTimeOffset now = _timeProvider.GetUtcNow();
            if (_reader.Collect(now, _maxWindow) is { } collectionFailure)
            {
                Log.ObservableInstrumentFailed(_logger, collectionFailure);
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (AlertRule rule in Rules)
            {
                List<Observation> observations;
                try
                {
                    observations = Observe(rule);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    Log.RuleFailed(_logger, ex, rule.Name);
                    foreach (KeyValuePair<string, Entry> entry in _entries)
                    {
                        if (entry.Value.Rule == rule)
                        {
                            seen.Add(entry.Key);
                        }
                    }

                    continue;
                }

                foreach (Observation observation in observations)
                {
                    if (!observation.Active)
                    {
                        continue;
                    }

                    string key = rule.Name + "\n" + observation.Labels.Key;
                    seen.Add(key);
                    if (!_entries.TryGetValue(key, out Entry? entry))
                    {
                        entry = new Entry(rule, observation.Labels, Fingerprint(rule, observation.Labels), now);
                        _entries[key] = entry;
                    }

                    entry.Value = observation.Value;
                    entry.Summary = observation.Summary.Length > 0 && char.IsLower(observation.Summary[0])
                        ? string.Concat(observation.Summary[..1].ToUpperInvariant(), observation.Summary.AsSpan(1))
                        : observation.Summary;
                    Advance(entry, now);
                }
            }

            foreach (KeyValuePair<string, Entry> entry in _entries.ToArray())
            {
                if (!seen.Contains(entry.Key))
                {
                    _entries.Remove(entry.Key);
                    if (entry.Value.Status == AlertStatus.Firing)
                    {
                        Notify(entry.Value, AlertStatus.Resolved, now, isRepeat: false);
                    }
                }
            }

            Alert[] alerts = [.. _entries.Values.Select(e => e.ToAlert(e.Status, null))
                .OrderByDescending(a => a.Rule.Severity).ThenBy(a => a.Rule.Name, StringComparer.Ordinal).ThenBy(a => a.Fingerprint, StringComparer.Ordinal)];
            Volatile.Write(ref _snapshot, new Snapshot(alerts, now));
        }
    }

    public void Dispose() => _reader.Dispose();

    private void Advance(Entry entry, DateTimeOffset now)
    {
        TimeSpan pendingFor = entry.Rule.For ?? _options.For;
        if (entry.Status == AlertStatus.Pending)
        {
            if (now - entry.ActiveSince >= pendingFor)
            {
                entry.Status = AlertStatus.Firing;
                entry.FiringSince = now;
                Notify(entry, AlertStatus.Firing, now, isRepeat: false);
            }
            else if (_logger.IsEnabled(LogLevel.Debug))
            {
                Log.AlertPending(_logger, entry.Rule.Name, entry.Summary, entry.Labels.Text);
            }

            return;
        }

        TimeSpan renotify = entry.Rule.RenotifyInterval ?? _options.RenotifyInterval;
        if (renotify > TimeSpan.Zero && entry.LastNotifiedAt is { } last && now - last >= renotify)
        {
            Notify(entry, AlertStatus.Firing, now, isRepeat: true);
        }
    }

    private void Notify(Entry entry, AlertStatus status, DateTimeOffset now, bool isRepeat)
    {
        entry.LastNotifiedAt = now;
        _queue.Enqueue(new AlertNotification
        {
            Alert = entry.ToAlert(status, status == AlertStatus.Resolved ? now : null),
            IsRepeat = isRepeat,
            Timestamp = now,
            ServiceName = _serviceName,
        });
    }

    private IEnumerable<Measurement<int>> ObserveFiring()
    {
        Alert[] alerts = Volatile.Read(ref _snapshot).Alerts;
        foreach (AlertRule rule in Rules)
        {
            int firing = 0;
            foreach (Alert alert in alerts)
            {
                if (alert.Rule == rule && alert.Status == AlertStatus.Firing)
                {
                    firing++;
                }
            }

            yield return new Measurement<int>(
                firing,
                new KeyValuePair<string, object?>(AlertingTelemetry.RuleTag, rule.Name),
                new KeyValuePair<string, object?>(AlertingTelemetry.SeverityTag, AlertingMetrics.SeverityName(rule.Severity)));
        }
    }

    private List<Observation> Observe(AlertRule rule)
    {
        var result = new List<Observation>();
        switch (rule.Kind)
        {
            case AlertRuleKind.DriftDetected:
                foreach ((SeriesLabels labels, double value) in _reader.DriftValues())
                {
                    bool dataset = labels.Get(WatchedInstruments.DriftFeatureTag) == WatchedInstruments.DatasetFeature;
                    if ((rule.DriftScope == DriftAlertScope.Dataset && !dataset) || (rule.DriftScope == DriftAlertScope.Feature && dataset))
                    {
                        continue;
                    }

                    string what = dataset ? "Dataset drift" : $"Drift of feature '{labels.Get(WatchedInstruments.DriftFeatureTag)}'";
                    string method = labels.Get("mlops.drift.method") is { } m ? $" ({m})" : "";
                    result.Add(new Observation(labels, value, value >= 0.5, $"{what} detected for {Model(labels)}{method}."));
                }

                break;
            case AlertRuleKind.QualityBelow:
                foreach ((SeriesLabels labels, double value) in _reader.QualityValues())
                {
                    if (string.Equals(labels.Get(WatchedInstruments.MetricNameTag), rule.MetricName, StringComparison.OrdinalIgnoreCase))
                    {
                        result.Add(new Observation(labels, value, value < rule.Threshold, Invariant(
                            $"{Model(labels)}: {rule.MetricName} = {value:0.####}, below {rule.Threshold:0.####}.")));
                    }
                }

                break;
            case AlertRuleKind.QualityAbove:
                foreach ((SeriesLabels labels, double value) in _reader.QualityValues())
                {
                    if (string.Equals(labels.Get(WatchedInstruments.MetricNameTag), rule.MetricName, StringComparison.OrdinalIgnoreCase))
                    {
                        result.Add(new Observation(labels, value, value > rule.Threshold, Invariant(
                            $"{Model(labels)}: {rule.MetricName} = {value:0.####}, above {rule.Threshold:0.####}.")));
                    }
                }

                break;
            case AlertRuleKind.ErrorRateAbove:
                foreach ((SeriesLabels labels, double[] increase) in _reader.PredictionIncrease(rule.Window))
                {
                    double total = InstrumentReader.Total(increase);
                    if (total > 0)
                    {
                        double rate = InstrumentReader.Errors(increase) / total;
                        result.Add(new Observation(labels, rate, rate > rule.Threshold, Invariant(
                            $"{Model(labels)}: {rate:0.##%} of {total:0} predictions failed over {Duration(rule.Window)}, above {rule.Threshold:0.##%}.")));
                    }
                }

                break;
            case AlertRuleKind.LatencyP95Above:
                foreach ((SeriesLabels labels, double[] increase) in _reader.PredictionIncrease(rule.Window))
                {
                    double p95 = LatencyBuckets.Quantile(0.95, InstrumentReader.Buckets(increase));
                    if (!double.IsNaN(p95))
                    {
                        result.Add(new Observation(labels, p95, p95 > rule.Threshold, Invariant(
                            $"{Model(labels)}: p95 prediction latency {Duration(TimeSpan.FromSeconds(p95))} over {Duration(rule.Window)}, above {Duration(TimeSpan.FromSeconds(rule.Threshold))}.")));
                    }
                }

                break;
            case AlertRuleKind.ModelLoadFailed:
                foreach ((SeriesLabels labels, double[] increase) in _reader.LoadFailureIncrease(rule.Window))
                {
                    double failures = increase[0];
                    result.Add(new Observation(labels, failures, failures > 0, Invariant(
                        $"{Model(labels)} failed to load {failures:0} time(s) in the last {Duration(rule.Window)}.")));
                }

                break;
            case AlertRuleKind.RetrainFailed:
                foreach ((SeriesLabels labels, double[] increase) in _reader.RetrainFailureIncrease(rule.Window))
                {
                    double failures = increase[0];
                    string trigger = labels.Get("mlops.retrain.trigger") is { } t ? $" (trigger {t})" : "";
                    result.Add(new Observation(labels, failures, failures > 0, Invariant(
                        $"Retraining of {Model(labels)}{trigger} failed {failures:0} time(s) in the last {Duration(rule.Window)}.")));
                }

                break;
            case AlertRuleKind.RolloutRolledBack:
                foreach ((SeriesLabels labels, double[] increase) in _reader.RollbackIncrease(rule.Window))
                {
                    double rollbacks = increase[0];
                    result.Add(new Observation(labels, rollbacks, rollbacks > 0, Invariant(
                        $"A rollout of {Model(labels)} was rolled back {rollbacks:0} time(s) in the last {Duration(rule.Window)}.")));
                }

                break;
            case AlertRuleKind.SampleRatioMismatch:
                foreach ((SeriesLabels labels, double value) in _reader.SampleRatioValues())
                {
                    result.Add(new Observation(labels, value, value < rule.Threshold, Invariant(
                        $"The experiment of {Model(labels)} has a sample ratio mismatch: p = {value:0.######}, below {rule.Threshold:0.######}; its arms do not get the traffic their weights promise.")));
                }

                break;
        }

        return result;
    }

    private static string Model(SeriesLabels labels)
    {
        string model = labels.Get(WatchedInstruments.ModelNameTag) is { Length: > 0 } name ? $"model '{name}'" : "the model";
        return labels.Get(WatchedInstruments.VariantTag) is { Length: > 0 } variant ? $"{model} (variant {variant})" : model;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    internal static string Duration(TimeSpan duration) => duration switch
    {
        { TotalSeconds: < 1 } => Invariant($"{duration.TotalMilliseconds:0.#} ms"),
        { TotalMinutes: < 1 } => Invariant($"{duration.TotalSeconds:0.##} s"),
        { TotalHours: < 1 } => Invariant($"{duration.TotalMinutes:0.#} min"),
        _ => Invariant($"{duration.TotalHours:0.#} h"),
    };

    private static string Fingerprint(AlertRule rule, SeriesLabels labels)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(rule.Name + "\n" + labels.Key));
        return Convert.ToHexStringLower(hash, 0, 8);
    }

    private sealed record Snapshot(Alert[] Alerts, DateTimeOffset? EvaluatedAt);

    private readonly record struct Observation(SeriesLabels Labels, double Value, bool Active, string Summary);

    private sealed class Entry(AlertRule rule, SeriesLabels labels, string fingerprint, DateTimeOffset activeSince)
    {
        public AlertRule Rule { get; } = rule;

        public SeriesLabels Labels { get; } = labels;

        public string Fingerprint { get; } = fingerprint;

        public DateTimeOffset ActiveSince { get; } = activeSince;

        public AlertStatus Status { get; set; } = AlertStatus.Pending;

        public double Value { get; set; }

        public string Summary { get; set; } = "";

        public DateTimeOffset? FiringSince { get; set; }

        public DateTimeOffset? LastNotifiedAt { get; set; }

        public Alert ToAlert(AlertStatus status, DateTimeOffset? resolvedAt) => new()
        {
            Rule = Rule,
            Labels = Labels.Labels,
            Fingerprint = Fingerprint,
            Status = status,
            Value = Value,
            Summary = Summary,
            ActiveSince = ActiveSince,
            FiringSince = FiringSince,
            ResolvedAt = resolvedAt,
            LastNotifiedAt = LastNotifiedAt,
        };
    }
}
