namespace MLOps.Monitoring.Quality;

/// <summary>
/// Instrument names and tag keys of model-quality monitoring (on the <c>MLOps</c> meter). Tags also include
/// <c>mlops.model.name</c>, <c>mlops.model.version</c> and <c>mlops.deployment.variant</c> from <see cref="MLOpsTelemetry.Tags"/>.
/// </summary>
public static class QualityTelemetry
{
    /// <summary>Observable gauge (1): each metric of the latest closed quality window per model version and variant; tag <see cref="MetricNameTag"/>.</summary>
    public const string ModelQuality = "mlops.model.quality";

    /// <summary>Observable gauge (1): per metric, the worst-to-best segment ratio of the latest closed window (see <see cref="QualityWindow.SegmentRatios"/>); tag <see cref="MetricNameTag"/>.</summary>
    public const string SegmentRatio = "mlops.model.quality.segment_ratio";

    /// <summary>Counter ({feedback}): feedback received, tagged with <c>mlops.outcome</c> (<c>joined</c>, <c>late</c>, <c>duplicate</c>, <c>unknown_prediction</c>, <c>invalid</c>) and, when known, the model name, version and variant.</summary>
    public const string FeedbackReceived = "mlops.feedback.received";

    /// <summary>Counter ({prediction}): predictions not written to the durable prediction log because its queue was full or the write failed.</summary>
    public const string PredictionLogDropped = "mlops.prediction_log.dropped";

    /// <summary>The metric name tag key (values from <see cref="QualityMetricNames"/>).</summary>
    public const string MetricNameTag = "mlops.metric.name";
}
