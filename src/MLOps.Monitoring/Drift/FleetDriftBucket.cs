namespace MLOps.Monitoring.Drift;

/// <summary>The windows of one model version that reached an <see cref="IFleetDriftStore"/> in one time bucket.</summary>
public sealed record FleetDriftBucket
{
    /// <summary>Gets the monitored model.</summary>
    public required ModelName Model { get; init; }

    /// <summary>Gets the model version that served the windows (0 when not known).</summary>
    public required int Version { get; init; }

    /// <summary>Gets the start of the bucket (inclusive), by the store's clock.</summary>
    public required DateTimeOffset BucketStart { get; init; }

    /// <summary>Gets the end of the bucket (exclusive), by the store's clock.</summary>
    public required DateTimeOffset BucketEnd { get; init; }

    /// <summary>Gets the windows of the bucket, from every replica.</summary>
    public required IReadOnlyList<FleetDriftWindow> Windows { get; init; }
}
