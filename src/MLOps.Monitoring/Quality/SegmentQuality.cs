namespace MLOps.Monitoring.Quality;

/// <summary>Model quality of one segment (one value of the feature chosen with <c>SegmentBy</c>) within a <see cref="QualityWindow"/>.</summary>
public sealed class SegmentQuality
{
    /// <summary>The segment name used for predictions whose segment value is <see langword="null"/>.</summary>
    public const string NoSegment = "(none)";

    /// <summary>The segment name that gathers the smallest segments beyond the maximum number of segments.</summary>
    public const string OtherSegments = "(other)";

    internal SegmentQuality(string segment, long count, IReadOnlyDictionary<string, double> metrics, IReadOnlyDictionary<string, string> undefinedMetrics)
    {
        Segment = segment;
        Count = count;
        Metrics = metrics;
        UndefinedMetrics = undefinedMetrics;
    }

    /// <summary>Gets the segment value (or <see cref="NoSegment"/>, <see cref="OtherSegments"/>).</summary>
    public string Segment { get; }

    /// <summary>Gets the number of labelled predictions in the segment.</summary>
    public long Count { get; }

    /// <summary>Gets the segment's metrics by name (<see cref="QualityMetricNames"/>), all finite; undefined metrics are in <see cref="UndefinedMetrics"/> instead.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; }

    /// <summary>Gets the metrics that could not be computed for the segment, by name, with the reason (see <see cref="QualityWindow.UndefinedMetrics"/>).</summary>
    public IReadOnlyDictionary<string, string> UndefinedMetrics { get; }
}
