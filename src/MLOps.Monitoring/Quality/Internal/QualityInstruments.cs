using System.Diagnostics.Metrics;

namespace MLOps.Monitoring.Quality.Internal;

/// <summary>The instruments of model-quality monitoring, created once per service provider from <see cref="IMeterFactory"/>.</summary>
internal sealed class QualityInstruments
{
    public QualityInstruments(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(MLOpsTelemetry.Name);
        FeedbackReceived = Meter.CreateCounter<long>(
            QualityTelemetry.FeedbackReceived, unit: "{feedback}", description: "Feedback (delayed ground truth) received, by outcome.");
        PredictionLogDropped = Meter.CreateCounter<long>(
            QualityTelemetry.PredictionLogDropped, unit: "{prediction}", description: "Predictions not written to the durable prediction log.");
        PredictionRefused = Meter.CreateCounter<long>(
            QualityTelemetry.PredictionRefused, unit: "{prediction}", description: "Predictions kept out of the quality metrics (not finite, out of range, or an unusable label), by reason.");
        SegmentOverflow = Meter.CreateCounter<long>(
            QualityTelemetry.SegmentOverflow, unit: "{prediction}", description: "Predictions whose segment value was stored as (other): too long, or beyond the distinct segments kept.");
        MetricSkipped = Meter.CreateCounter<long>(
            QualityTelemetry.MetricSkipped, unit: "{metric}", description: "Quality metrics of a closed window not published because undefined or not finite, by metric and reason.");
    }

    public Meter Meter { get; }

    public Counter<long> PredictionRefused { get; }

    public Counter<long> SegmentOverflow { get; }

    public Counter<long> MetricSkipped { get; }

    public Counter<long> FeedbackReceived { get; }

    public Counter<long> PredictionLogDropped { get; }
}
