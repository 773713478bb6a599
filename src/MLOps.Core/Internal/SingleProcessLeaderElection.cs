namespace MLOps.Internal;

/// <summary>The leadership of a process that is its own fleet: always the leader, never a change to report.</summary>
internal sealed class SingleProcessLeaderElection : ILeaderElection
{
    public bool IsLeader => true;

    public IDisposable Subscribe(Action<bool> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return NoSubscription.Instance;
    }

    private sealed class NoSubscription : IDisposable
    {
        public static readonly NoSubscription Instance = new();

        public void Dispose()
        {
        }
    }
}
