namespace MLOps;

/// <summary>
/// Tells whether this process is the leader of its fleet: the one replica that runs the work that must happen once,
/// such as the retrain loop. <c>AddMLOps</c> registers a single-process implementation that is always the leader, so
/// one replica behaves as before; <c>AddPostgresRegistry</c> (MLOps.Registry) replaces it with a PostgreSQL advisory
/// lock, so exactly one of the replicas sharing the database leads, and another takes over when it dies.
/// </summary>
/// <remarks>
/// Leadership is a hint checked before work starts, not a fence: work that a leader started before it stepped down is
/// not stopped by the step-down. Check <see cref="IsLeader"/> again before each unit of work.
/// </remarks>
public interface ILeaderElection
{
    /// <summary>Gets whether this process is the leader now.</summary>
    bool IsLeader { get; }

    /// <summary>
    /// Calls <paramref name="handler"/> with the new value of <see cref="IsLeader"/> each time it changes, on the thread
    /// that observed the change. A handler that throws is logged and does not stop the others.
    /// </summary>
    /// <param name="handler">The handler.</param>
    /// <returns>The subscription; dispose it to stop receiving changes.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is <see langword="null"/>.</exception>
    IDisposable Subscribe(Action<bool> handler);
}
