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

    /// <summary>
    /// Counter ({prediction}): predictions kept out of the quality metrics, tagged with the model name and
    /// <see cref="ReasonTag"/>: <c>not_finite</c> (NaN or infinite value or probability), <c>out_of_range</c> (outside
    /// the model's accepted range, or a probability outside [0, 1]), <c>no_label</c>, <c>too_long</c> (a class label
    /// longer than the maximum string length) or <c>class_limit</c> (a class beyond the distinct classes kept).
    /// </summary>
    public const string PredictionRefused = "mlops.quality.prediction.refused";

    /// <summary>
    /// Counter ({prediction}): predictions whose segment value was stored as <see cref="SegmentQuality.OtherSegments"/>,
    /// tagged with the model name and <see cref="ReasonTag"/>: <c>too_long</c> or <c>segment_limit</c> (beyond the distinct
    /// segment values kept).
    /// </summary>
    public const string SegmentOverflow = "mlops.quality.segment.overflow";

    /// <summary>
    /// Counter ({metric}): metrics of a closed window that were not published (see <see cref="QualityWindow.UndefinedMetrics"/>),
    /// tagged with the model name, version, variant, <see cref="MetricNameTag"/> and <see cref="ReasonTag"/>:
    /// <c>undefined</c> (for example <c>r2</c> when every actual value is the same) or <c>not_finite</c>.
    /// </summary>
    public const string MetricSkipped = "mlops.quality.metric.skipped";

    /// <summary>The reason tag key of <see cref="PredictionRefused"/>, <see cref="SegmentOverflow"/> and <see cref="MetricSkipped"/>.</summary>
    public const string ReasonTag = "mlops.reason";

    /// <summary>The metric name tag key (values from <see cref="QualityMetricNames"/>).</summary>
    public const string MetricNameTag = "mlops.metric.name";
}
