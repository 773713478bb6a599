using System.Diagnostics.Metrics;

namespace MLOps.Registry.Internal;

/// <summary>
/// The experiment tracker's instruments, created once per service provider from <see cref="IMeterFactory"/> (Meter
/// <see cref="MLOpsTelemetry.Name"/>). Tag values come from small fixed sets (operation, backend, outcome, run status,
/// exception type); experiment names, run ids and metric keys are never tags (unbounded).
/// </summary>
internal sealed class TrackingMetrics
{
    public TrackingMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter = meterFactory.Create(MLOpsTelemetry.Name);
        Operations = new OperationTiming(
            Meter,
            MLOpsTelemetry.Instruments.TrackingOperationDuration,
            "Duration of each experiment-tracker operation.",
            MLOpsTelemetry.Tags.TrackingOperation,
            MLOpsTelemetry.Tags.TrackingBackend);
        RunsEnded = Meter.CreateCounter<long>(
            MLOpsTelemetry.Instruments.TrackingRunsEnded, unit: "{run}", description: "Tracked runs this process ended, by status.");
        MetricPoints = Meter.CreateCounter<long>(
            MLOpsTelemetry.Instruments.TrackingMetricPoints, unit: "{point}", description: "Metric points this process stored in the experiment tracker.");
    }

    public Meter Meter { get; }

    public OperationTiming Operations { get; }

    public Histogram<double> OperationDuration => Operations.Histogram;

    public Counter<long> RunsEnded { get; }

    public Counter<long> MetricPoints { get; }

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
