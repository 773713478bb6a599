namespace MLOps;

/// <summary>One replica of the fleet, as its last heartbeat recorded it (see <see cref="IFleetView"/>).</summary>
public sealed record FleetReplica
{
    /// <summary>Gets the replica's id (unique per process run).</summary>
    public required string ReplicaId { get; init; }

    /// <summary>Gets the name of the machine (or container) the replica runs on.</summary>
    public required string Host { get; init; }

    /// <summary>Gets the replica's operating-system process id.</summary>
    public required int ProcessId { get; init; }

    /// <summary>Gets when the replica started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets when the replica's last heartbeat was written (the database's clock).</summary>
    public required DateTimeOffset LastSeenAt { get; init; }

    /// <summary>Gets whether the replica was the leader at its last heartbeat.</summary>
    public required bool IsLeader { get; init; }

    /// <summary>Gets the models the replica serves, with the version and variant of each.</summary>
    public required IReadOnlyList<FleetModel> Models { get; init; }
}
