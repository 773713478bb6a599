using System.Collections.Concurrent;
using System.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MLOps.Registry.Internal;
using MLOps.Registry.Postgres.Internal;
using Npgsql;
using Log = MLOps.Registry.Postgres.Internal.Log;

namespace MLOps;

/// <summary>
/// A model registry in PostgreSQL, shared by every process and replica that points at the database. Register it with
/// <c>AddPostgresRegistry(…)</c>, or create one directly for scripts and tools (and dispose it).
/// </summary>
/// <remarks>
/// <para>Every mutation is one READ COMMITTED transaction that first locks the model's row (<c>SELECT … FOR UPDATE</c>
/// or <c>UPDATE … RETURNING</c>), so mutations of one model are serialized across all connections and replicas while
/// different models proceed in parallel; after the lock every statement sees everything committed before it. The audit
/// event, the <c>change_seq</c> bump and the <c>pg_notify</c> are part of the same transaction, so they happen exactly
/// when the change commits. Reads are single statements (one snapshot each).</para>
/// <para>Changes made by other processes reach <see cref="ModelRegistry.Subscribe"/> through <c>LISTEN</c>/<c>NOTIFY</c>, with polling
/// (<see cref="PostgresRegistryOptions.PollInterval"/>) as the fallback. The schema is created or migrated on first use
/// (<see cref="PostgresRegistryOptions.MigrateOnStart"/>).</para>
/// </remarks>
public sealed partial class PostgresModelRegistry : ModelRegistry, IDisposable, IAsyncDisposable
{
    internal const string LoggerCategory = "MLOps.Registry.Postgres";

    private const string ModelColumns =
        "m.name, m.description, m.tags::text, m.last_version, m.created_at, m.updated_at, m.created_by, " +
        "(SELECT coalesce(jsonb_object_agg(a.alias, a.version), '{}')::text FROM __schema__.aliases a WHERE a.model_name = m.name AND a.version IS NOT NULL), " +
        "(SELECT max(v.version) FROM __schema__.model_versions v WHERE v.model_name = m.name)";

    private const string VersionColumns =
        "v.model_name, v.version, v.status, v.status_message, v.description, v.artifacts::text, v.primary_artifact_path, v.metrics::text, " +
        "v.params::text, v.tags::text, v.signature::text, v.lineage::text, v.profile_key, v.profile_sha256, v.profile_length, " +
        "v.profile_content_type, v.created_at, v.updated_at, v.created_by, v.feature_importance::text";

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly TimeSpan _pollInterval;
    private readonly TimeSpan _reconnectDelay;
    private readonly bool _listen;
    private readonly CancellationTokenSource _stopping = new();
    private PostgresChangeListener? _listener;
    private Task _feed = Task.CompletedTask;
    private int _feedStarted;
    private int _disposed;
    private readonly string _schema;
    private readonly string _quotedSchema;
    private readonly IArtifactStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _defaultActor;
    private readonly int _commandTimeout;
    private readonly bool _migrateOnStart;
    private readonly PostgresSchemaMigrator _migrator;
    private readonly ConcurrentDictionary<string, long> _seen = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _pollGate = new(1, 1);   // never disposed: a late read may still take the baseline (no wait handle is created)
    private volatile bool _pollBaselined;
    private int _pollPasses;

    /// <summary>Opens a registry over the database and schema of <paramref name="options"/>; the schema is migrated on first use.</summary>
    /// <param name="options">
    /// The PostgreSQL options: <see cref="PostgresRegistryOptions.ConnectionString"/> or
    /// <see cref="PostgresRegistryOptions.DataSource"/> (not disposed with the registry), the schema, the artifact store,
    /// the default actor, the change feed and the timeouts.
    /// </param>
    /// <param name="timeProvider">The clock for timestamps, or <see langword="null"/> for the system clock.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid (the message lists every problem).</exception>
    public PostgresModelRegistry(PostgresRegistryOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : this(PostgresRegistryDataSource.Open(options), options, timeProvider, loggerFactory)
    {
    }

    private PostgresModelRegistry(PostgresRegistryDataSource source, PostgresRegistryOptions options, TimeProvider? timeProvider, ILoggerFactory? loggerFactory)
        : this(
            source.Value,
            source.Owned,
            options,
            DefaultActorOf(options),
            timeProvider ?? TimeProvider.System,
            (ILogger?)loggerFactory?.CreateLogger(LoggerCategory) ?? NullLogger.Instance)
    {
    }

    internal PostgresModelRegistry(
        NpgsqlDataSource dataSource,
        bool ownsDataSource,
        PostgresRegistryOptions options,
        string defaultActor,
        TimeProvider timeProvider,
        ILogger logger)
        : base(logger)
    {
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _pollInterval = options.PollInterval;
        _reconnectDelay = options.ReconnectDelay;
        _listen = options.ListenForNotifications;
        _schema = options.Schema;
        _quotedSchema = PostgresSql.QuoteIdentifier(options.Schema);
        _commandTimeout = (int)Math.Ceiling(options.CommandTimeout.TotalSeconds);
        _store = options.ArtifactStore ?? new PostgresArtifactStore(dataSource, options.Schema, _commandTimeout);
        _defaultActor = defaultActor;
        _timeProvider = timeProvider;
        _logger = logger;
        _migrateOnStart = options.MigrateOnStart;
        _migrator = new PostgresSchemaMigrator(dataSource, options.Schema, logger);
        Core = new RegistryCore(new Store(this), defaultActor, logger, options.MaxRolloutDecisions);
        Channel = ChannelFor(options.Schema);
    }

    /// <summary>Gets the NOTIFY channel of this registry's schema.</summary>
    internal string Channel { get; }

    /// <summary>Gets the id this instance puts in its notifications, to recognise its own.</summary>
    internal string InstanceId { get; } = Guid.NewGuid().ToString("N");

    internal IArtifactStore ArtifactStore => _store;

    /// <summary>
    /// Gets or sets a fault-injection point awaited by each change-feed task (listener and poll loop) before it starts:
    /// tests hold it to reproduce a feed that starts late, as on a busy machine.
    /// </summary>
    internal Func<CancellationToken, Task>? BeforeChangeFeedStarts { get; set; }

    internal static string DefaultActorOf(PostgresRegistryOptions options) =>
        options.DefaultActor ?? $"{Environment.UserName}@{Environment.MachineName}";

    internal static string ChannelFor(string schema) => "mlops_registry_" + schema;

    /// <summary>Migrates (or verifies) the schema once; a failed attempt is retried by the next call.</summary>
    internal Task EnsureInitializedAsync(CancellationToken cancellationToken = default) =>
        _migrator.EnsurePreparedAsync(_migrateOnStart, "registry", cancellationToken);

    /// <inheritdoc/>
    internal override string Backend => RegistryMetrics.PostgresBackend;

    /// <summary>Starts the change feed (notifications, and polling as the fallback) on the first subscription.</summary>
    private protected override void StartExternalChanges()
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            StartChangeFeed();
        }
    }

    /// <summary>Gets the change listener once the change feed runs (tests terminate its connection).</summary>
    internal PostgresChangeListener? Listener => _listener;

    /// <summary>Stops the change feed and releases the data source if the registry opened it.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Stops the change feed and releases the data source if the registry opened it.</summary>
    /// <returns>A task that completes when the registry is disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _feed.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        CloseChanges();
        _stopping.Dispose();
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Starts listening for other processes' changes (notifications, and polling as the fallback) the first time someone
    /// subscribes; a registry nobody subscribes to holds no extra connection.
    /// </summary>
    private void StartChangeFeed()
    {
        if (Interlocked.Exchange(ref _feedStarted, 1) != 0)
        {
            return;
        }

        CancellationToken stopping = _stopping.Token;
        var loops = new List<Task>(2);
        if (_listen)
        {
            _listener = new PostgresChangeListener(
                _dataSource, Channel, _reconnectDelay, _timeProvider, _logger, OnNotification, () => _ = PollQuietlyAsync(stopping));
            PostgresChangeListener listener = _listener;
            loops.Add(Task.Run(
                async () =>
                {
                    await DelayFeedStartAsync(stopping).ConfigureAwait(false);
                    await listener.RunAsync(stopping).ConfigureAwait(false);
                },
                CancellationToken.None));
        }

        if (_pollInterval > TimeSpan.Zero)
        {
            loops.Add(Task.Run(
                async () =>
                {
                    await DelayFeedStartAsync(stopping).ConfigureAwait(false);
                    await PollLoopAsync(stopping).ConfigureAwait(false);
                },
                CancellationToken.None));
        }

        _feed = Task.WhenAll(loops);
    }

    private async Task DelayFeedStartAsync(CancellationToken stopping)
    {
        if (BeforeChangeFeedStarts is { } hook)
        {
            try
            {
                await hook(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
            }
        }
    }

    private async Task PollLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            await PollQuietlyAsync(stopping).ConfigureAwait(false);
            try
            {
                await Task.Delay(_pollInterval, _timeProvider, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task PollQuietlyAsync(CancellationToken stopping)
    {
        try
        {
            await PollOnceAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // One failed pass must not end the loop; the next pass (or reconnection) retries.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.PollFailed(_logger, ex, _schema, _pollInterval);
        }
    }


    internal static string DescribeServer(NpgsqlDataSource dataSource)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
            return $"server '{builder.Host}:{builder.Port}', database '{builder.Database}' as user '{builder.Username}'";
        }
        catch (ArgumentException)
        {
            return "the configured server";
        }
    }

    // ---- plumbing ------------------------------------------------------------------------------------------------

    private string Sql(string sql) => sql.Replace("__schema__", _quotedSchema, StringComparison.Ordinal);

    private DateTimeOffset Now()
    {
        // PostgreSQL keeps microseconds: truncate so what is returned equals what is read back later.
        DateTimeOffset now = _timeProvider.GetUtcNow().ToUniversalTime();
        return new DateTimeOffset(now.Ticks - (now.Ticks % 10), TimeSpan.Zero);
    }

    private string Actor(string? actor, string paramName = "request") => RegistryValidation.Actor(actor, _defaultActor, paramName);

    private async Task<T> ReadAsync<T>(Func<NpgsqlConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        await EnsureChangeBaselineAsync(cancellationToken).ConfigureAwait(false);
        return await ReadCoreAsync(read, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a read on a pooled connection. A read that finds its connection gone (a stale one from before a PostgreSQL
    /// restart) clears the pool and runs once more on a fresh connection: reads are safe to repeat.
    /// </summary>
    private async Task<T> ReadCoreAsync<T>(Func<NpgsqlConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        try
        {
            return await PostgresConnectionLoss.RunAsync(_dataSource, repeatable: true, read, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw StorageFailure(ex);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction. A transaction whose connection turns out to be gone before its
    /// first command ran (a stale pooled connection from before a PostgreSQL restart) clears the pool and runs once more
    /// on a fresh connection: nothing of it reached the database. A failure later, or at the commit, is not repeated.
    /// </summary>
    private async Task<T> MutateAsync<T>(Func<Mutation, Task<T>> work, CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        Mutation? mutation = null;
        T result;
        for (int attempt = 0; ; attempt++)
        {
            bool committing = false;
            try
            {
                NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    NpgsqlTransaction transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
                    await using (transaction.ConfigureAwait(false))
                    {
                        mutation = new Mutation(this, connection, transaction);
                        result = await work(mutation).ConfigureAwait(false);
                        committing = true;
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                break;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                bool lost = PostgresConnectionLoss.Forget(_dataSource, ex);
                if (lost && attempt == 0 && !committing && (mutation is null || mutation.Commands <= 1))
                {
                    mutation = null;
                    continue;
                }

                throw StorageFailure(ex);
            }
        }

        // Raised here, at once; the change's own notification is recognised by InstanceId and not raised again. The
        // sequence is deliberately not recorded as seen: only notifications and polls advance it, so a change another
        // process committed just before this one (a lower sequence) is never masked.
        foreach ((RegistryChange change, long _) in mutation!.Changes)
        {
            Publish(change);
        }

        return result;
    }

    private ModelRegistryException StorageFailure(Exception ex) =>
        new(RegistryErrorCode.Storage, $"The PostgreSQL registry (schema '{_schema}') failed: {ex.Message}", ex);

    private static ModelRegistryException NotFound(string what) => new(RegistryErrorCode.NotFound, what);

    /// <summary>One open transaction; collects the changes to raise after it commits.</summary>
    private sealed class Mutation(PostgresModelRegistry registry, NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        public List<(RegistryChange Change, long Sequence)> Changes { get; } = [];

        public DateTimeOffset Now { get; } = registry.Now();

        /// <summary>Gets how many commands were created in the transaction (a failure on the first one is safe to repeat).</summary>
        public int Commands { get; private set; }

        public NpgsqlCommand Command(string sql)
        {
            Commands++;
            return new(registry.Sql(sql), connection, transaction) { CommandTimeout = registry._commandTimeout };
        }

        /// <summary>
        /// Locks the model's row for the rest of the transaction; returns false if the model does not exist. Every mutation
        /// of a model takes this lock first (one lock order, so no deadlocks); <c>NO KEY UPDATE</c> still lets foreign-key
        /// checks of other rows proceed.
        /// </summary>
        public async Task<bool> LockModelAsync(ModelName name, CancellationToken cancellationToken)
        {
            using NpgsqlCommand command = Command("SELECT 1 FROM __schema__.models WHERE name = $1 FOR NO KEY UPDATE").With(name.Value);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
        }

        /// <summary>Records an audit event, stamped with the transaction's time.</summary>
        public async Task AuditAsync(AuditEvent audit, CancellationToken cancellationToken)
        {
            using NpgsqlCommand command = Command(
                "INSERT INTO __schema__.audit_events (at, actor, action, model_name, target, before, after, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .With(Now).With(audit.Actor).With(audit.Action).With(audit.Model.Value).With(audit.Target).WithText(audit.Before).WithText(audit.After).WithText(audit.Reason);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Bumps the model's change sequence and notifies listeners (delivered when the transaction commits).</summary>
        public async Task ChangedAsync(RegistryChange change, CancellationToken cancellationToken)
        {
            using NpgsqlCommand command = Command(
                """
                WITH s AS (UPDATE __schema__.models SET change_seq = change_seq + 1 WHERE name = $1 RETURNING change_seq)
                SELECT s.change_seq, pg_notify($2, json_build_object('i', $3, 'k', $4, 'n', $1, 'v', $5, 'a', $6, 's', s.change_seq)::text) FROM s
                """)
                .With(change.Name.Value).With(registry.Channel).With(registry.InstanceId).With((int)change.Kind)
                .WithInteger(change.Version?.Number).WithText(change.Alias?.Value);
            object? sequence = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            Changes.Add((change, sequence is long value ? value : 0));
        }
    }
}
