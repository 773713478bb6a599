namespace MLOps.Registry.Postgres.Internal;

/// <summary>
/// One connection competing for the leader lock: the seam between <see cref="PostgresLeaderElection"/> (the retry and
/// step-down logic, tested on fake time) and PostgreSQL (<see cref="PostgresLeaderLock"/>). Any exception means the
/// connection is lost.
/// </summary>
internal interface ILeaderLock : IAsyncDisposable
{
    /// <summary>Tries to take the lock without waiting; <see langword="true"/> when this connection now holds it.</summary>
    Task<bool> TryAcquireAsync(CancellationToken cancellationToken);

    /// <summary>Checks that the connection (and so the lock it holds) is still alive; throws when it is not.</summary>
    Task KeepAliveAsync(CancellationToken cancellationToken);

    /// <summary>Releases the lock (best effort: closing the connection releases it too).</summary>
    Task ReleaseAsync(CancellationToken cancellationToken);
}
