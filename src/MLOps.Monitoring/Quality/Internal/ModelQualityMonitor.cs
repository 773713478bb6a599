using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace MLOps.Monitoring.Quality.Internal;

/// <summary>The <see cref="IModelQualityMonitor"/>: the trackers of every monitored model and the quality gauges.</summary>
internal sealed class ModelQualityMonitor : IModelQualityMonitor
{
    private readonly Dictionary<string, ModelQualityTracker> _trackers;
    private readonly QualityEvents _events;

    public ModelQualityMonitor(IEnumerable<ModelQualityTracker> trackers, QualityEvents events, QualityInstruments instruments)
    {
        _trackers = trackers.ToDictionary(t => t.ModelName, StringComparer.Ordinal);
        Trackers = [.. _trackers.Values];
        ModelNames = [.. Trackers.Select(t => t.Name)];
        _events = events;
        instruments.Meter.CreateObservableGauge(
            QualityTelemetry.ModelQuality,
            ObserveQuality,
            unit: "1",
            description: "Model quality metrics of the latest closed window, by model version, variant and metric.");
        instruments.Meter.CreateObservableGauge(
            QualityTelemetry.SegmentRatio,
            ObserveSegmentRatios,
            unit: "1",
            description: "Worst-to-best segment ratio of each quality metric in the latest closed window.");
    }

    public IDisposable Subscribe(Action<QualityWindow> handler) => _events.Subscribe(handler);

    public IReadOnlyCollection<ModelName> ModelNames { get; }

    internal ModelQualityTracker[] Trackers { get; }

    public ModelQualityReport? GetLatest(ModelName modelName) =>
        _trackers.TryGetValue(modelName.Value, out ModelQualityTracker? tracker)
            ? tracker.GetLatest(follower: FleetLeadership is { IsLeader: false })
            : null;

    /// <summary>Fleet mode: the leadership that decides whether the reports are the fleet's (a follower) or this replica's (the leader).</summary>
    internal ILeaderElection? FleetLeadership { get; set; }

    internal ModelQualityTracker? Find(string modelName) => _trackers.GetValueOrDefault(modelName);

    private IEnumerable<Measurement<double>> ObserveQuality() => Observe(static w => w.Metrics);

    private IEnumerable<Measurement<double>> ObserveSegmentRatios() => Observe(static w => w.SegmentRatios);

    private List<Measurement<double>> Observe(Func<QualityWindow, IReadOnlyDictionary<string, double>> values)
    {
        var measurements = new List<Measurement<double>>();
        foreach (ModelQualityTracker tracker in Trackers)
        {
            tracker.CloseDueWindows();
            foreach (QualityWindow window in tracker.ClosedSnapshot)
            {
                foreach (KeyValuePair<string, double> metric in values(window))
                {
                    if (!double.IsFinite(metric.Value))
                    {
                        continue;   // never the case (windows keep finite values only); a gauge must not publish NaN or ±Inf
                    }

                    measurements.Add(new Measurement<double>(metric.Value, new TagList
                    {
                        { MLOpsTelemetry.Tags.ModelName, window.ModelName.Value },
                        { MLOpsTelemetry.Tags.ModelVersion, window.ModelVersion.Number.ToString(CultureInfo.InvariantCulture) },
                        { MLOpsTelemetry.Tags.Variant, window.Variant },
                        { QualityTelemetry.MetricNameTag, metric.Key },
                    }));
                }
            }
        }

        return measurements;
    }
}
