using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace MLOps.Monitoring.Drift.Internal;

/// <summary>
/// Fleet mode's link between the drift windows and <see cref="FleetDriftService"/>: the bounded queue of closed windows
/// waiting for publication (off the request path: a window is queued on the evaluation thread, never a prediction's),
/// the monitored models' reference sources, and the fleet instruments.
/// </summary>
internal sealed class FleetDriftHub
{
    private readonly Channel<FleetDriftWindow> _queue;
    private readonly ConcurrentDictionary<ModelName, IFleetDriftSource> _sources = new();

    public FleetDriftHub(IOptions<FleetDriftOptions> options, IMeterFactory meterFactory)
    {
        _queue = Channel.CreateBounded<FleetDriftWindow>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        Meter meter = meterFactory.Create(MLOpsTelemetry.Name);
        Windows = meter.CreateCounter<long>(DriftTelemetry.Instruments.FleetWindows, unit: "{window}",
            description: "Closed drift windows of this replica handed to the fleet, by outcome (published, dropped, failed, abandoned).");
        Buckets = meter.CreateCounter<long>(DriftTelemetry.Instruments.FleetBuckets, unit: "{bucket}",
            description: "Fleet drift buckets handled by the leader, by outcome (evaluated, duplicate, skipped, failed).");
    }

    public Counter<long> Windows { get; }

    public Counter<long> Buckets { get; }

    public ChannelReader<FleetDriftWindow> Reader => _queue.Reader;

    public void Register(ModelName model, IFleetDriftSource source) => _sources[model] = source;

    public bool TryGetSource(ModelName model, out IFleetDriftSource? source) => _sources.TryGetValue(model, out source);

    /// <summary>Queues a closed window for publication; when the queue is full it is dropped and counted.</summary>
    public bool TryEnqueue(FleetDriftWindow window)
    {
        if (_queue.Writer.TryWrite(window))
        {
            return true;
        }

        Count(Windows, window.Model, "dropped");
        return false;
    }

    public void Complete() => _queue.Writer.TryComplete();

    public static void Count(Counter<long> counter, ModelName model, string outcome)
    {
        if (counter.Enabled)
        {
            counter.Add(1, new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.ModelName, model.Value), new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.Outcome, outcome));
        }
    }
}
