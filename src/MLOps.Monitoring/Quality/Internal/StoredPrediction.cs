using MLOps.Monitoring.Quality.Feedback;

namespace MLOps.Monitoring.Quality.Internal;

/// <summary>One prediction in the <see cref="PredictionStore"/> ring (a struct: storing it allocates nothing).</summary>
internal struct StoredPrediction
{
    public PredictionId Id;
    public long UtcTicks;
    public int Version;
    public bool Labelled;
    public PredictionRefusal Refusal;
    public string Variant;
    public string? Segment;
    public double Value;
    public double Score;
    public string? Label;

    /// <summary>
    /// A prediction read back from a log or the fleet's queue, not yet admitted: pass it to
    /// <see cref="ModelQualityTracker.Admit"/> before keeping or joining it.
    /// </summary>
    public static StoredPrediction From(in PredictionRecord record) => new()
    {
        Id = record.PredictionId,
        UtcTicks = record.Timestamp.UtcTicks,
        Version = record.ModelVersion.Number,
        Variant = record.Variant,
        Segment = record.Segment,
        Value = record.PredictedValue,
        Score = record.Score,
        Label = record.PredictedLabel,
    };
}
