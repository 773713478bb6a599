namespace MLOps;

/// <summary>
/// The replicas of this fleet as they last reported themselves (their heartbeats): who they are, what they serve and
/// which one leads. Registered by <c>AddPostgresRegistry</c> (MLOps.Registry) with the fleet heartbeats on; served by
/// <c>GET {prefix}/fleet</c> in MLOps.AspNetCore.
/// </summary>
public interface IFleetView
{
    /// <summary>Gets the id of this process in the fleet.</summary>
    string ReplicaId { get; }

    /// <summary>Returns the replicas whose last heartbeat is recent enough to count them alive, ordered by start time.</summary>
    /// <param name="cancellationToken">A token that cancels the read.</param>
    /// <returns>The live replicas, this one included once its first heartbeat is written.</returns>
    /// <exception cref="ModelRegistryException">The fleet's store could not be read (<see cref="RegistryErrorCode.Storage"/>).</exception>
    Task<IReadOnlyList<FleetReplica>> GetReplicasAsync(CancellationToken cancellationToken = default);
}
