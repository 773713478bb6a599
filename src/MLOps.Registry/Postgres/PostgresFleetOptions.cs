using System.ComponentModel.DataAnnotations;

namespace MLOps;

/// <summary>
/// Options of fleet mode on PostgreSQL: the leader election (a session-level advisory lock) and the heartbeats behind
/// the fleet view. Both are on whenever the PostgreSQL registry or the PostgreSQL monitoring stores
/// (<c>AddPostgresMonitoring</c>, with or without the registry) are used; configure them with <c>AddPostgresFleet(o => …)</c>.
/// They share the database, schema and data source of <see cref="PostgresRegistryOptions"/>. Validated when the host starts.
/// </summary>
public sealed class PostgresFleetOptions
{
    /// <summary>The default <see cref="RetryInterval"/>: 5 seconds.</summary>
    public static readonly TimeSpan DefaultRetryInterval = TimeSpan.FromSeconds(5);

    /// <summary>The default <see cref="KeepAliveInterval"/>: 5 seconds.</summary>
    public static readonly TimeSpan DefaultKeepAliveInterval = TimeSpan.FromSeconds(5);

    /// <summary>The default <see cref="KeepAliveTimeout"/>: 5 seconds.</summary>
    public static readonly TimeSpan DefaultKeepAliveTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The default <see cref="HeartbeatInterval"/>: 10 seconds.</summary>
    public static readonly TimeSpan DefaultHeartbeatInterval = TimeSpan.FromSeconds(10);

    /// <summary>The default <see cref="MissedHeartbeats"/>.</summary>
    public const int DefaultMissedHeartbeats = 3;

    /// <summary>
    /// The most <see cref="KeepAliveInterval"/> + <see cref="KeepAliveTimeout"/> may be: 15 seconds, well under the
    /// 25 seconds after which the server gives up on a silent leader connection (see <see cref="KeepAliveInterval"/>).
    /// </summary>
    public static readonly TimeSpan MaxKeepAliveDetection = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Gets or sets whether the replicas elect a leader with a PostgreSQL advisory lock. When <see langword="false"/>,
    /// every replica is its own leader (the behaviour of a single process), and work that must run once, such as the
    /// retrain loop, must be turned off by hand on all replicas but one.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool LeaderElection { get; set; } = true;

    /// <summary>
    /// Gets or sets the name of the lock the replicas compete for. Replicas with the same name (and database) form one
    /// fleet with one leader. The advisory lock key is the first 8 bytes of the SHA-256 of the name's UTF-8 bytes, read
    /// as a big-endian <c>bigint</c> (<c>pg_try_advisory_lock(key)</c>), so every replica derives the same key whatever
    /// its platform or PostgreSQL version. When <see langword="null"/>, <c>{schema}.leader</c>, so registries in
    /// different schemas of one database have different leaders.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (<c>{schema}.leader</c>).</value>
    [StringLength(256, MinimumLength = 1)]
    public string? LockName { get; set; }

    /// <summary>
    /// Gets or sets how often a replica that is not the leader tries to take the lock. Each wait is drawn uniformly
    /// between half and all of this interval, so followers do not try in lockstep. It bounds failover: when the leader's
    /// process dies, PostgreSQL ends its session and releases the lock at once, and a follower takes it within this
    /// interval.
    /// </summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan RetryInterval { get; set; } = DefaultRetryInterval;

    /// <summary>
    /// Gets or sets how often the leader checks its lock connection with a cheap query (<c>SELECT 1</c>). When the query
    /// fails or takes longer than <see cref="KeepAliveTimeout"/>, the leader steps down at once, then reconnects and
    /// competes again. The lock connection also asks the server to probe it with TCP keepalives (idle 10 s, every 5 s,
    /// 3 probes), so the server ends a silently dead leader session, and releases the lock, about 25 seconds after it
    /// last heard from it: later than the leader's own step-down, which the sum of this interval and the timeout bounds
    /// (at most <see cref="MaxKeepAliveDetection"/>).
    /// </summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan KeepAliveInterval { get; set; } = DefaultKeepAliveInterval;

    /// <summary>Gets or sets how long the leader's keep-alive query may take before the leader steps down.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan KeepAliveTimeout { get; set; } = DefaultKeepAliveTimeout;

    /// <summary>
    /// Gets or sets whether each replica records a heartbeat (its id, host, process id, start time, whether it leads,
    /// and the version and variant of each model it serves) in the <c>fleet_replicas</c> table, behind
    /// <see cref="IFleetView"/> and <c>GET {prefix}/fleet</c>.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Heartbeats { get; set; } = true;

    /// <summary>
    /// Gets or sets how often each replica writes its heartbeat (also written at once when its leadership changes).
    /// </summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan HeartbeatInterval { get; set; } = DefaultHeartbeatInterval;

    /// <summary>
    /// Gets or sets after how many missed heartbeats a replica is no longer listed: one not seen for
    /// <see cref="HeartbeatInterval"/> × this count (by the database's clock) has expired. Its row is deleted by the
    /// other replicas once it is 10 times as old.
    /// </summary>
    /// <value>The default value is 3.</value>
    [Range(1, 1000)]
    public int MissedHeartbeats { get; set; } = DefaultMissedHeartbeats;

    /// <summary>
    /// Gets or sets this replica's id in the fleet view. When <see langword="null"/>, <c>{host}-{process id}-{random}</c>,
    /// new for each process run.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [StringLength(200, MinimumLength = 1)]
    public string? ReplicaId { get; set; }
}
