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
}
