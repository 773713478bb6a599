using System.ComponentModel.DataAnnotations;

namespace MLOps;

/// <summary>
/// Options of the prediction log on PostgreSQL (<c>AddPostgresPredictionLog</c>, <c>AddPostgresMonitoring</c>): how its
/// <c>predictions</c> table is partitioned by time and how long predictions and feedback are kept. The database, schema
/// and data source are those of <see cref="PostgresRegistryOptions"/>. Validated when the host starts.
/// </summary>
public sealed class PostgresPredictionLogOptions
{
    /// <summary>The default <see cref="PartitionInterval"/>: 1 day.</summary>
    public static readonly TimeSpan DefaultPartitionInterval = TimeSpan.FromDays(1);

    /// <summary>The default <see cref="RetentionPeriod"/>: 30 days.</summary>
    public static readonly TimeSpan DefaultRetentionPeriod = TimeSpan.FromDays(30);

    /// <summary>The default <see cref="PartitionsAhead"/>.</summary>
    public const int DefaultPartitionsAhead = 2;

    /// <summary>
    /// Gets or sets the time range of one partition of the <c>predictions</c> table. Partitions are aligned on
    /// multiples of this interval since 1970-01-01 UTC (daily partitions start at midnight UTC).
    /// A whole number of minutes, from 1 hour to 31 days.
    /// </summary>
    /// <value>The default value is 1 day.</value>
    public TimeSpan PartitionInterval { get; set; } = DefaultPartitionInterval;

    /// <summary>
    /// Gets or sets how long predictions and feedback are kept. A partition is dropped whole once its end is older than
    /// this; the feedback of a prediction goes once the prediction is gone (its time is older than this and its partition
    /// was dropped), so feedback resent later finds no prediction and is refused, never joined twice. At least
    /// <see cref="PartitionInterval"/>.
    /// </summary>
    /// <value>The default value is 30 days.</value>
    public TimeSpan RetentionPeriod { get; set; } = DefaultRetentionPeriod;

    /// <summary>
    /// Gets or sets how many partitions after the current one are created in advance, so writes at a partition boundary
    /// never wait for one to be created.
    /// </summary>
    /// <value>The default value is 2.</value>
    [Range(1, 100)]
    public int PartitionsAhead { get; set; } = DefaultPartitionsAhead;
}
