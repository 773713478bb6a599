namespace MLOps.Monitoring.Drift;

/// <summary>
/// Options of drift over the whole fleet's traffic (<c>AddFleetDrift</c>, or <c>AddPostgresFleetDrift</c> of
/// MLOps.Registry): each replica publishes the state of every window it closes; the leader merges the windows that
/// closed in the same time bucket and evaluates them as one. Validated when the host starts.
/// </summary>
public sealed class FleetDriftOptions
{
    /// <summary>The default <see cref="BucketLength"/>: 1 minute.</summary>
    public static readonly TimeSpan DefaultBucketLength = TimeSpan.FromMinutes(1);

    /// <summary>The default <see cref="GracePeriod"/>: 30 seconds.</summary>
    public static readonly TimeSpan DefaultGracePeriod = TimeSpan.FromSeconds(30);

    /// <summary>The default <see cref="PollInterval"/>: 10 seconds.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(10);

    /// <summary>The default <see cref="Retention"/>: 7 days.</summary>
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromDays(7);

    /// <summary>The default <see cref="QueueCapacity"/>.</summary>
    public const int DefaultQueueCapacity = 256;

    /// <summary>
    /// Gets or sets the length of the fleet's time buckets. A replica's window belongs to the bucket in which the store
    /// received it, by the store's clock (the database's for PostgreSQL), so replicas with skewed clocks still agree on
    /// buckets. Buckets are aligned on the Unix epoch: a bucket starts at a multiple of this length.
    /// </summary>
    /// <value>The default value is 1 minute.</value>
    public TimeSpan BucketLength { get; set; } = DefaultBucketLength;

    /// <summary>
    /// Gets or sets how long after a bucket ends the leader waits before merging it: it covers the time a closed window
    /// spends in a replica's queue and in flight to the store. A window that reaches the store later is counted in the
    /// bucket in which it arrived.
    /// </summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan GracePeriod { get; set; } = DefaultGracePeriod;

    /// <summary>
    /// Gets or sets how often the leader looks for complete buckets, and how often every replica reads the latest fleet
    /// report (served by <c>GET …/drift</c>); also the wait before a failed publication is retried.
    /// </summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan PollInterval { get; set; } = DefaultPollInterval;

    /// <summary>
    /// Gets or sets how many closed windows may wait for publication. When the queue is full (the store is down), a
    /// newly closed window is dropped and counted (<c>mlops.drift.fleet.windows</c> with outcome <c>dropped</c>).
    /// </summary>
    /// <value>The default value is 256.</value>
    public int QueueCapacity { get; set; } = DefaultQueueCapacity;

    /// <summary>
    /// Gets or sets how long the store keeps the replicas' windows and the fleet reports: the leader deletes, about
    /// every hour, the windows and reports of buckets that ended more than this long ago (by the store's clock), except
    /// the latest report of each model version, which <c>GET …/drift</c> keeps serving. A bucket whose windows were
    /// never evaluated in that time (its model had no reference profile) is deleted too. At least 1 hour and more than
    /// <see cref="BucketLength"/> + <see cref="GracePeriod"/>, so a bucket is evaluated before it can expire.
    /// </summary>
    /// <value>The default value is 7 days.</value>
    public TimeSpan Retention { get; set; } = DefaultRetention;
}
