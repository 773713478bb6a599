namespace MLOps.AspNetCore.Internal;

/// <summary>The fleet: this replica's id and every live replica (<c>GET fleet</c>).</summary>
/// <param name="ReplicaId">The id of the replica that answered.</param>
/// <param name="Leader">The id of the replica that leads, as the heartbeats report it, or <see langword="null"/>.</param>
/// <param name="Replicas">The live replicas, oldest first.</param>
internal sealed record FleetInfo(string ReplicaId, string? Leader, FleetReplicaInfo[] Replicas);

/// <summary>One replica as its last heartbeat recorded it.</summary>
/// <param name="ReplicaId">Its id.</param>
/// <param name="Host">Its machine or container.</param>
/// <param name="ProcessId">Its process id.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="LastSeenAt">When its last heartbeat was written.</param>
/// <param name="IsLeader">Whether it led at its last heartbeat.</param>
/// <param name="Models">What it serves.</param>
internal sealed record FleetReplicaInfo(
    string ReplicaId, string Host, int ProcessId, DateTimeOffset StartedAt, DateTimeOffset LastSeenAt, bool IsLeader, FleetModelInfo[] Models)
{
    internal static FleetReplicaInfo From(FleetReplica r) => new(
        r.ReplicaId, r.Host, r.ProcessId, r.StartedAt, r.LastSeenAt, r.IsLeader,
        [.. r.Models.Select(m => new FleetModelInfo(m.Name.Value, m.Variant, m.Version?.Number))]);
}

/// <summary>A model one replica serves.</summary>
/// <param name="Name">The model name.</param>
/// <param name="Variant">The deployment variant.</param>
/// <param name="Version">The version served, or <see langword="null"/> before the first load.</param>
internal sealed record FleetModelInfo(string Name, string Variant, int? Version);
