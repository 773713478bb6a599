using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MLOps.Internal;

/// <summary>The Core package's instruments, created once per service provider from <see cref="IMeterFactory"/>.</summary>
internal sealed class MLOpsMetrics
{
    internal static readonly ActivitySource ActivitySource = new(MLOpsTelemetry.Name, typeof(MLOpsMetrics).Assembly.GetName().Version?.ToString());

    // Predictions take microseconds to a few seconds; OpenTelemetry's default buckets start at 5 ms.
    private static readonly double[] DurationBuckets =
        [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    public MLOpsMetrics(IMeterFactory meterFactory, ModelCatalog catalog)
    {
        Meter = meterFactory.Create(MLOpsTelemetry.Name);
        PredictionDuration = Meter.CreateHistogram(
            MLOpsTelemetry.Instruments.PredictionDuration,
            unit: "s",
            description: "Duration of each prediction.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        ModelLoads = Meter.CreateCounter<long>(
            MLOpsTelemetry.Instruments.ModelLoads, unit: "{load}", description: "Model load attempts, by outcome.");
        ObserverErrors = Meter.CreateCounter<long>(
            MLOpsTelemetry.Instruments.ObserverErrors, unit: "{error}", description: "Exceptions thrown by prediction observers.");
        RolloutCandidateLoadFailures = Meter.CreateCounter<long>(
            MLOpsTelemetry.Instruments.RolloutCandidateLoadFailures, unit: "{failure}", description: "Failed loads of a rollout's candidate.");
        ShadowPredictions = Meter.CreateCounter<long>(
            MLOpsTelemetry.Instruments.ShadowPredictions, unit: "{prediction}", description: "Shadow predictions made off the caller's path.");
        ShadowDropped = Meter.CreateCounter<long>(
            MLOpsTelemetry.Instruments.ShadowDropped, unit: "{prediction}", description: "Requests not mirrored to the shadow because its queue was full.");
        ShadowErrors = Meter.CreateCounter<long>(
            MLOpsTelemetry.Instruments.ShadowErrors, unit: "{error}", description: "Shadow predictions that threw.");
        Meter.CreateObservableGauge(
            MLOpsTelemetry.Instruments.RolloutWeight,
            catalog.ObserveRolloutWeights,
            unit: "%",
            description: "The share of requests each arm of an active rollout answers (a shadow: the share mirrored to it).");
        Meter.CreateObservableGauge(
            MLOpsTelemetry.Instruments.ModelLoaded,
            catalog.ObserveLoadedVersions,
            unit: "{version}",
            description: "The version number each model variant currently serves.");
    }

    public Meter Meter { get; }

    public Histogram<double> PredictionDuration { get; }

    public Counter<long> ModelLoads { get; }

    public Counter<long> ObserverErrors { get; }

    public Counter<long> RolloutCandidateLoadFailures { get; }

    public Counter<long> ShadowPredictions { get; }

    public Counter<long> ShadowDropped { get; }

    public Counter<long> ShadowErrors { get; }
}
