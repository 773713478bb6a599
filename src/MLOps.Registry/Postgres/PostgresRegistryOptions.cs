using System.ComponentModel.DataAnnotations;
using Npgsql;

namespace MLOps;

/// <summary>
/// Options of the PostgreSQL model registry, configured with <c>AddPostgresRegistry(o => …)</c>, and of the PostgreSQL
/// experiment tracker (<c>AddPostgresTracking</c>), which shares the registry's database, schema, migrations and artifact
/// store. Validated when the host starts.
/// </summary>
public sealed class PostgresRegistryOptions
{
    /// <summary>The default <see cref="MaxRolloutDecisions"/>: 100.</summary>
    public const int DefaultMaxRolloutDecisions = 100;

    /// <summary>The largest <see cref="MaxRolloutDecisions"/>: 100,000.</summary>
    public const int MaxRolloutDecisionsLimit = 100_000;

    /// <summary>The default <see cref="Schema"/>.</summary>
    public const string DefaultSchema = "mlops";

    /// <summary>The rule <see cref="Schema"/> must satisfy, as a regular expression.</summary>
    public const string SchemaPattern = "^[a-z_][a-z0-9_]{0,47}$";

    /// <summary>The default <see cref="CommandTimeout"/>: 30 seconds.</summary>
    public static readonly TimeSpan DefaultCommandTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The default <see cref="ReconnectDelay"/>: 1 second.</summary>
    public static readonly TimeSpan DefaultReconnectDelay = TimeSpan.FromSeconds(1);

    /// <summary>The default <see cref="PollInterval"/>: 5 seconds.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets the connection string, such as <c>Host=db;Username=mlops;Password=…;Database=mlops</c>. Either this
    /// or <see cref="DataSource"/> must be set.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Gets or sets a data source to use instead of <see cref="ConnectionString"/> (for example one configured with
    /// Npgsql's own options or shared with the application). The registry does not dispose it.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public NpgsqlDataSource? DataSource { get; set; }

    /// <summary>
    /// Gets or sets the PostgreSQL schema holding the registry's tables; created if missing. Several registries can
    /// share one database with different schemas. Lowercase letters, digits and <c>_</c>, at most 48 characters.
    /// </summary>
    /// <value>The default value is <c>mlops</c>.</value>
    [Required]
    [RegularExpression(SchemaPattern, ErrorMessage = "Schema must be 1 to 48 lowercase letters, digits or '_', not starting with a digit.")]
    public string Schema { get; set; } = DefaultSchema;

    /// <summary>
    /// Gets or sets who mutations are attributed to in the audit trail and alias history when a request names no actor.
    /// When <see langword="null"/>, <c>user@machine</c> of the process (as for the file-system registry).
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? DefaultActor { get; set; }

    /// <summary>
    /// Gets or sets whether the registry migrates its schema when the host starts (safe with many replicas starting at
    /// once: an advisory lock makes exactly one of them migrate). When <see langword="false"/>, the start fails unless
    /// the schema is already at the version this package needs.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>
    /// Gets or sets the store for artifacts and reference profiles (and the run artifacts of the PostgreSQL experiment
    /// tracker, under keys starting with <c>_tracking/</c>). When <see langword="null"/>, they are stored in the
    /// registry's own <c>artifacts</c> table (a <c>bytea</c> column: up to 1 GB per artifact, held in memory while
    /// written or read); set it to keep large artifacts in object storage while PostgreSQL keeps their SHA-256.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (artifacts in PostgreSQL).</value>
    public IArtifactStore? ArtifactStore { get; set; }

    /// <summary>
    /// Gets or sets whether the registry listens for change notifications (<c>LISTEN</c>/<c>NOTIFY</c>) from other
    /// processes, so replicas hear of a promotion at once. Changes are also found by polling every
    /// <see cref="PollInterval"/>, which covers notifications lost while reconnecting.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool ListenForNotifications { get; set; } = true;

    /// <summary>
    /// Gets or sets how often a subscribed registry compares every model's change counter with what it has seen, to
    /// raise <see cref="RegistryChangeKind.External"/> for changes whose notification was missed (or when notifications
    /// are off), to every subscriber. One query per interval per registry instance, whatever the number of models.
    /// <see cref="TimeSpan.Zero"/> disables polling.
    /// </summary>
    /// <remarks>
    /// This is the registry-side fallback of the change feed. It is not the serving poll: models served with
    /// <c>FromRegistry</c> also re-resolve their alias on their own every <see cref="MLOpsOptions.PollInterval"/>
    /// (2 seconds by default), and converge through whichever of the two comes first.
    /// </remarks>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan PollInterval { get; set; } = DefaultPollInterval;

    /// <summary>Gets or sets the timeout of each registry command.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan CommandTimeout { get; set; } = DefaultCommandTimeout;

    /// <summary>
    /// Gets or sets how long the change listener (<c>LISTEN</c> on a dedicated connection) waits before reconnecting
    /// after losing its connection; doubled after each failed attempt up to 30 times this value. Each wait is drawn
    /// uniformly between half and all of that back-off, so replicas that lost the database together spread their reconnections.
    /// </summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan ReconnectDelay { get; set; } = DefaultReconnectDelay;

    /// <summary>
    /// Gets or sets how many of a rollout's latest decisions <see cref="Rollout.Decisions"/> keeps besides the first one;
    /// older ones are dropped and counted in <see cref="Rollout.DroppedDecisions"/>, so a long rollout's record stays bounded.
    /// </summary>
    /// <value>The default value is 100.</value>
    [Range(1, MaxRolloutDecisionsLimit)]
    public int MaxRolloutDecisions { get; set; } = DefaultMaxRolloutDecisions;
}
