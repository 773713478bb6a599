using System.Diagnostics.Metrics;
using MLOps.Monitoring.Rollouts;

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
        ShadowAgreement = Meter.CreateHistogram<double>(
            RolloutTelemetry.ShadowAgreement, unit: "1", description: "Per shadow prediction, 1 when its label agrees with the served prediction of the same id, else 0.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5] });
        ShadowAbsoluteDifference = Meter.CreateHistogram<double>(
            RolloutTelemetry.ShadowAbsoluteDifference, unit: "1", description: "Per shadow prediction, the absolute difference between its value and the served prediction's.");
    }

    public Histogram<double> ShadowAgreement { get; }

    public Histogram<double> ShadowAbsoluteDifference { get; }

    public void RecordShadow(in ShadowComparison comparison)
    {
        Histogram<double> histogram = comparison.IsRegression ? ShadowAbsoluteDifference : ShadowAgreement;
        if (!histogram.Enabled)
        {
            return;
        }

        var tags = new System.Diagnostics.TagList
        {
            { MLOpsTelemetry.Tags.ModelName, comparison.ModelName },
            { MLOpsTelemetry.Tags.ModelVersion, comparison.ServedVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            { RolloutTelemetry.ShadowVersionTag, comparison.ShadowVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        histogram.Record(comparison.IsRegression ? comparison.AbsoluteDifference : comparison.Agrees ? 1 : 0, tags);
    }

    public Meter Meter { get; }

    public Counter<long> PredictionRefused { get; }

    public Counter<long> SegmentOverflow { get; }

    public Counter<long> MetricSkipped { get; }

    public Counter<long> FeedbackReceived { get; }

    public Counter<long> PredictionLogDropped { get; }
}
