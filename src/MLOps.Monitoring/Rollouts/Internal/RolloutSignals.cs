using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Quality.Internal;

namespace MLOps.Monitoring.Rollouts.Internal;

/// <summary>
/// Feeds the current window of each analysed rollout: the public <c>mlops.prediction.duration</c> and
/// <c>mlops.model.loads</c> instruments of the <c>MLOps</c> meter of one <see cref="IMeterFactory"/> (read through a
/// <see cref="MeterListener"/>, so Core and Monitoring stay decoupled), the scored predictions and shadow comparisons of
/// quality monitoring, and the drift reports. Only predictions of a rollout's two versions are kept; everything else is
/// ignored, so the state stays bounded.
/// </summary>
internal sealed class RolloutSignals : IDisposable
{
    private const string PredictionDuration = "mlops.prediction.duration";
    private const string ModelLoads = "mlops.model.loads";
    private const string FailureOutcome = "failure";

    private readonly IMeterFactory _meterFactory;
    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<string, RolloutWindow> _windows = new(StringComparer.Ordinal);
    private readonly List<IDisposable> _subscriptions = [];

    public RolloutSignals(IMeterFactory meterFactory, QualityEvents? quality, IDriftMonitor? drift)
    {
        _meterFactory = meterFactory;
        _listener = new MeterListener { InstrumentPublished = OnInstrumentPublished };
        _listener.SetMeasurementEventCallback<double>(static (i, v, t, s) => ((RolloutSignals)s!).OnMeasurement(i, v, t));
        _listener.SetMeasurementEventCallback<long>(static (i, v, t, s) => ((RolloutSignals)s!).OnMeasurement(i, v, t));
        if (quality is not null)
        {
            _subscriptions.Add(quality.SubscribeScored(OnScored));
            _subscriptions.Add(quality.SubscribeShadow(OnShadow));
        }

        if (drift is not null)
        {
            _subscriptions.Add(drift.Subscribe(OnDrift));
        }

        _listener.Start();
    }

    public RolloutWindow? Get(ModelName model) => _windows.GetValueOrDefault(model.Value);

    public void Set(ModelName model, RolloutWindow window) => _windows[model.Value] = window;

    public void Remove(ModelName model) => _windows.TryRemove(model.Value, out _);

    public void Dispose()
    {
        _listener.Dispose();
        foreach (IDisposable subscription in _subscriptions)
        {
            subscription.Dispose();
        }
    }

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (instrument.Meter.Name == MLOpsTelemetry.Name
            && ReferenceEquals(instrument.Meter.Scope, _meterFactory)
            && instrument.Name is PredictionDuration or ModelLoads)
        {
            listener.EnableMeasurementEvents(instrument, this);
        }
    }

    private void OnMeasurement(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_windows.IsEmpty)
        {
            return;
        }

        string? model = null, variant = null, errorType = null, outcome = null;
        int version = 0;
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            switch (tag.Key)
            {
                case MLOpsTelemetry.Tags.ModelName:
                    model = tag.Value as string;
                    break;
                case MLOpsTelemetry.Tags.ModelVersion:
                    version = VersionOf(tag.Value);
                    break;
                case MLOpsTelemetry.Tags.Variant:
                    variant = tag.Value as string;
                    break;
                case MLOpsTelemetry.Tags.ErrorType:
                    errorType = tag.Value?.ToString();
                    break;
                case MLOpsTelemetry.Tags.Outcome:
                    outcome = tag.Value as string;
                    break;
            }
        }

        if (model is null || !_windows.TryGetValue(model, out RolloutWindow? window))
        {
            return;
        }

        if (instrument.Name == ModelLoads)
        {
            // The candidate arm failing to load is a hard failure of the rollout.
            if (outcome == FailureOutcome && (variant is Variants.Candidate or Variants.Shadow))
            {
                window.MarkLoadFailed(errorType ?? "unknown");
            }

            return;
        }

        window.Find(version, variant is not null && Variants.IsShadow(variant))?.Operations.Record(value, errorType is not null);
    }

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        OnMeasurement(instrument, (double)value, tags);

    private void OnScored(ScoredPrediction scored)
    {
        if (_windows.TryGetValue(scored.ModelName, out RolloutWindow? window))
        {
            window.Find(scored.Version, Variants.IsShadow(scored.Variant))?.Measure.Add(scored.Measure);
        }
    }

    private void OnShadow(ShadowComparison comparison)
    {
        if (_windows.TryGetValue(comparison.ModelName, out RolloutWindow? window)
            && window.Find(comparison.ShadowVersion, shadow: true) is { } arm)
        {
            if (comparison.IsRegression)
            {
                arm.Difference.Add(comparison.AbsoluteDifference);
            }
            else
            {
                arm.Agreement.Add(comparison.Agrees ? 1 : 0);
            }
        }
    }

    /// <summary>
    /// A dataset drift of the live traffic during the rollout marks the candidate: both arms share that traffic (the split
    /// is random or by key), and the model's drift windows follow the primary arm, so the report is usually the primary's.
    /// </summary>
    private void OnDrift(DriftReport report)
    {
        if (report is { DatasetDrift: true, ModelName: { } name, ModelVersion: { } version }
            && _windows.TryGetValue(name.Value, out RolloutWindow? window)
            && (window.Candidate.Version.Number == version || window.Primary.Version.Number == version)
            && report.CreatedAt >= window.Start)
        {
            window.Candidate.MarkDrifted();
        }
    }

    private static int VersionOf(object? value) => value switch
    {
        string text => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int number) ? number : 0,
        int number => number,
        long number => (int)number,
        _ => 0,
    };
}
