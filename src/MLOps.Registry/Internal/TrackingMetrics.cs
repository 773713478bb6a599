using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MLOps.Registry.Internal;

/// <summary>
/// The experiment tracker's instruments, created once per service provider from <see cref="IMeterFactory"/> (Meter
/// <see cref="MLOpsTelemetry.Name"/>). Tag values come from small fixed sets (operation, backend, outcome, run status,
/// exception type); experiment names, run ids and metric keys are never tags (unbounded).
/// </summary>
internal sealed class TrackingMetrics
{
    // Tracking calls take from a fraction of a millisecond (a metric point on a local disk) to minutes (a large artifact).
    private static readonly double[] DurationBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

    public TrackingMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter = meterFactory.Create(MLOpsTelemetry.Name);
        OperationDuration = Meter.CreateHistogram(
            MLOpsTelemetry.Instruments.TrackingOperationDuration,
            unit: "s",
            description: "Duration of each experiment-tracker operation.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        RunsEnded = Meter.CreateCounter<long>(
            MLOpsTelemetry.Instruments.TrackingRunsEnded, unit: "{run}", description: "Tracked runs this process ended, by status.");
        MetricPoints = Meter.CreateCounter<long>(
            MLOpsTelemetry.Instruments.TrackingMetricPoints, unit: "{point}", description: "Metric points this process stored in the experiment tracker.");
    }

    public Meter Meter { get; }

    public Histogram<double> OperationDuration { get; }

    public Counter<long> RunsEnded { get; }

    public Counter<long> MetricPoints { get; }

    /// <summary>Records one operation that started at <paramref name="startTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public void RecordOperation(string operation, string backend, long startTimestamp, Exception? error)
    {
        var tags = new TagList
        {
            { MLOpsTelemetry.Tags.TrackingOperation, operation },
            { MLOpsTelemetry.Tags.TrackingBackend, backend },
            { MLOpsTelemetry.Tags.Outcome, RegistryMetrics.Outcome(error) },
        };
        if (error is not null)
        {
            tags.Add(MLOpsTelemetry.Tags.ErrorType, error.GetType().FullName);
        }

        OperationDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, tags);
    }

    public void RecordRunEnded(RunStatus status, string backend) =>
        RunsEnded.Add(
            1,
            new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.TrackingRunStatus, status switch
            {
                RunStatus.Finished => "finished",
                RunStatus.Failed => "failed",
                RunStatus.Killed => "killed",
                _ => "other",
            }),
            new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.TrackingBackend, backend));

    public void RecordMetricPoints(int count, string backend) =>
        MetricPoints.Add(count, new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.TrackingBackend, backend));
}
