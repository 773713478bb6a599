using MLOps.Registry.Postgres.Internal;

namespace MLOps.Registry.Tests.Fleet;

/// <summary>
/// A scripted lock connection for <see cref="PostgresLeaderElection"/>: answers from <see cref="Acquire"/>, fails its
/// keep-alive when <see cref="Broken"/> is set, and records what the election believed when it was released.
/// </summary>
internal sealed class FakeLeaderLock(FakeLeaderLockServer server) : ILeaderLock
{
    public Task<bool> TryAcquireAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref server.Attempts);
        return server.Broken ? Task.FromException<bool>(new IOException("connection lost")) : Task.FromResult(server.Acquire);
    }

    public Task KeepAliveAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref server.KeepAlives);
        return server.Broken ? Task.FromException(new IOException("connection lost")) : Task.CompletedTask;
    }

    public Task ReleaseAsync(CancellationToken cancellationToken)
    {
        server.LeaderWhenReleased.Enqueue(server.Election!.IsLeader);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Interlocked.Increment(ref server.Closed);
        return ValueTask.CompletedTask;
    }
}

/// <summary>What the fake connections share: the script and the record.</summary>
internal sealed class FakeLeaderLockServer
{
    public int Connections;
    public int Attempts;
    public int KeepAlives;
    public int Closed;

    public volatile bool Acquire;
    public volatile bool Broken;
    public volatile bool RefuseConnections;

    public PostgresLeaderElection? Election { get; set; }

    public System.Collections.Concurrent.ConcurrentQueue<bool> LeaderWhenReleased { get; } = new();

    public Task<ILeaderLock> ConnectAsync(CancellationToken cancellationToken)
    {
        if (RefuseConnections)
        {
            return Task.FromException<ILeaderLock>(new IOException("connection refused"));
        }

        Interlocked.Increment(ref Connections);
        return Task.FromResult<ILeaderLock>(new FakeLeaderLock(this));
    }
}
