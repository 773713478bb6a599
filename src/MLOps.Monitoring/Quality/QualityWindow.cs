namespace MLOps.Monitoring.Quality;

/// <summary>
/// Model quality over one window of labelled predictions (predictions joined with their ground truth) of one model
/// version and deployment variant. Immutable.
/// </summary>
public sealed class QualityWindow
{
    internal QualityWindow(
        ModelName modelName,
        ModelVersion modelVersion,
        string variant,
        QualityTask task,
        DateTimeOffset start,
        DateTimeOffset end,
        bool isClosed,
        long count,
        long skipped,
        long lateFeedback,
        IReadOnlyDictionary<string, double> metrics,
        IReadOnlyDictionary<string, string> undefinedMetrics,
        IReadOnlyList<SegmentQuality> segments,
        IReadOnlyDictionary<string, double> segmentRatios)
    {
        ModelName = modelName;
        ModelVersion = modelVersion;
        Variant = variant;
        Task = task;
        Start = start;
        End = end;
        IsClosed = isClosed;
        Count = count;
        Skipped = skipped;
        LateFeedback = lateFeedback;
        Metrics = metrics;
        UndefinedMetrics = undefinedMetrics;
        Segments = segments;
        SegmentRatios = segmentRatios;
    }

    /// <summary>Gets the model name.</summary>
    public ModelName ModelName { get; }

    /// <summary>Gets the model version whose predictions were scored.</summary>
    public ModelVersion ModelVersion { get; }

    /// <summary>Gets the deployment variant that served them.</summary>
    public string Variant { get; }

    /// <summary>Gets the model's task.</summary>
    public QualityTask Task { get; }

    /// <summary>Gets when the window started: the arrival of its first feedback (count windows) or the aligned interval start (time windows).</summary>
    public DateTimeOffset Start { get; }

    /// <summary>Gets when the window closed (closed windows), the interval end (open time windows) or the time of the snapshot (open count windows).</summary>
    public DateTimeOffset End { get; }

    /// <summary>Gets whether the window is closed; an open window is the current partial one.</summary>
    public bool IsClosed { get; }

    /// <summary>Gets the number of labelled predictions scored in the window.</summary>
    public long Count { get; }

    /// <summary>
    /// Gets the number of feedback for this version and variant left out of the metrics because its prediction was
    /// refused (not finite, outside the accepted range, or an unusable label; see <c>mlops.quality.prediction.refused</c>).
    /// Each is answered <see cref="Feedback.FeedbackOutcome.Invalid"/>.
    /// </summary>
    public long Skipped { get; }

    /// <summary>Gets the number of late feedback (<see cref="Feedback.FeedbackOutcome.Late"/>) for this version and variant that arrived during the window.</summary>
    public long LateFeedback { get; }

    /// <summary>
    /// Gets the metrics by name (<see cref="QualityMetricNames"/>). Every value is finite: a metric that cannot be
    /// computed for the window is in <see cref="UndefinedMetrics"/> instead, never published as NaN or an infinity.
    /// </summary>
    public IReadOnlyDictionary<string, double> Metrics { get; }

    /// <summary>
    /// Gets the metrics of the task that could not be computed for the window, by name, with the reason: <c>r2</c> of a
    /// single pair or when every actual value is the same (scikit-learn would answer 1 or 0), <c>roc_auc</c> while only
    /// one class is present, or any metric whose computed value is not finite. Each is counted in
    /// <c>mlops.quality.metric.skipped</c> when the window closes. Empty when every metric is defined.
    /// </summary>
    public IReadOnlyDictionary<string, string> UndefinedMetrics { get; }

    /// <summary>Gets the metrics per segment (see <c>SegmentBy</c>), largest segment first; empty without segmentation.</summary>
    public IReadOnlyList<SegmentQuality> Segments { get; }

    /// <summary>
    /// Gets, per metric, the smallest segment value divided by the largest over the segments with at least the minimum
    /// segment size: worst/best for metrics where higher is better, best/worst for error metrics (where lower is
    /// better), so in both cases the ratio is in [0, 1], 1 means every segment performs the same, and lower means a
    /// larger gap. Left out when fewer than two segments qualify or a value is negative (R² below 0); 1 when all values are 0.
    /// </summary>
    public IReadOnlyDictionary<string, double> SegmentRatios { get; }

    /// <summary>Writes the window as JSON, every field and each metric as a round-trip number (the fleet's published windows are stored so).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => Internal.QualityWindowJson.Write(this);

    /// <summary>Reads a window written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The window.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException">The text is not a window written by <see cref="ToJson"/>.</exception>
    public static QualityWindow FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Internal.QualityWindowJson.Read(json);
    }
}
