namespace MLOps.Monitoring.Drift;

/// <summary>
/// The mergeable state of one window a replica closed, as published to an <see cref="IFleetDriftStore"/>: its counts
/// against the reference's bins and categories, its data-quality counts and its reservoir sample, serialized in
/// <see cref="State"/> (compact JSON, opaque to the store).
/// </summary>
public sealed record FleetDriftWindow
{
    /// <summary>Gets the monitored model.</summary>
    public required ModelName Model { get; init; }

    /// <summary>Gets the model version that served the window's rows (0 when not known).</summary>
    public required int Version { get; init; }

    /// <summary>Gets the replica that closed the window; set by the store (<see langword="null"/> when publishing).</summary>
    public string? Replica { get; init; }

    /// <summary>Gets when the window received its first row, by the replica's clock.</summary>
    public required DateTimeOffset WindowStart { get; init; }

    /// <summary>Gets when the window closed, by the replica's clock.</summary>
    public required DateTimeOffset WindowEnd { get; init; }

    /// <summary>Gets the number of predictions the window counted.</summary>
    public required long Rows { get; init; }

    /// <summary>Gets the serialized state of the window.</summary>
    public required string State { get; init; }
}
