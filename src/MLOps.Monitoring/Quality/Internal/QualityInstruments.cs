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
    }

    public Meter Meter { get; }

    public Counter<long> FeedbackReceived { get; }

    public Counter<long> PredictionLogDropped { get; }
}
