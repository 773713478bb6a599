using System.Data;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MLOps.Registry.Internal;
using MLOps.Registry.Postgres.Internal;
using MLOps.Registry.Tracking;
using Npgsql;
using NpgsqlTypes;
using SharedLog = MLOps.Registry.Internal.Log;

namespace MLOps;

/// <summary>
/// An experiment tracker in PostgreSQL, in the same database and schema as the PostgreSQL model registry (its tables
/// come with the registry's schema migrations), so every process and replica pointing at the database shares the
/// experiments and runs. Register it with <c>AddPostgresTracking()</c> next to <c>AddPostgresRegistry(…)</c>, or create one
/// directly for scripts and notebooks (and dispose it).
/// </summary>
/// <remarks>
/// <para>Every write is one READ COMMITTED transaction that first locks the run. Appending metric points takes the run's
/// advisory lock shared and its row <c>FOR KEY SHARE</c> (appenders on any connection run in parallel, and do not hold up
/// parameter writers); parameters, tags, dataset inputs and artifacts lock the row <c>FOR NO KEY UPDATE</c> (serialized
/// per run, so of two processes writing the same parameter with different values exactly one wins and the other gets
/// <see cref="RegistryErrorCode.ParamAlreadyLogged"/>); ending the run takes the advisory lock exclusively, then updates
/// the row, so it waits for in-flight appends, appends that arrive meanwhile queue behind it, and nothing is logged to a
/// run after it ended. Reads are one REPEATABLE READ snapshot.</para>
/// <para>Artifacts go to the registry's artifact store (<see cref="PostgresRegistryOptions.ArtifactStore"/>; by default
/// the schema's <c>artifacts</c> table) under a key unique to the attempt, and are recorded (path, SHA-256, length) only
/// after the upload completed; every read verifies length and SHA-256.</para>
/// </remarks>
public sealed partial class PostgresExperimentTracker : IExperimentTracker, IAsyncDisposable, IDisposable
{
    internal const string LoggerCategory = "MLOps.Tracking";

    private const string ArtifactKeyPrefix = "_tracking/";

    private readonly PostgresRegistryDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly string _schema;
    private readonly string _quotedSchema;
    private readonly long _runLockSpace;
    private readonly int _commandTimeout;
    private readonly bool _migrateOnStart;
    private readonly PostgresSchemaMigrator _migrator;
    private readonly IArtifactStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private int _disposed;

    /// <summary>Opens a tracker over the database and schema of <paramref name="options"/>; the schema is migrated on first use.</summary>
    /// <param name="options">
    /// The PostgreSQL options shared with the registry: <see cref="PostgresRegistryOptions.ConnectionString"/> or
    /// <see cref="PostgresRegistryOptions.DataSource"/>, <see cref="PostgresRegistryOptions.Schema"/>,
    /// <see cref="PostgresRegistryOptions.MigrateOnStart"/>, <see cref="PostgresRegistryOptions.ArtifactStore"/> and
    /// <see cref="PostgresRegistryOptions.CommandTimeout"/> apply.
    /// </param>
    /// <param name="timeProvider">The clock for timestamps, or <see langword="null"/> for the system clock.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid (the message lists every problem).</exception>
    public PostgresExperimentTracker(PostgresRegistryOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : this(PostgresRegistryDataSource.Open(options), ownsDataSource: true, options, timeProvider, loggerFactory)
    {
    }

    internal PostgresExperimentTracker(
        PostgresRegistryDataSource dataSource, bool ownsDataSource, PostgresRegistryOptions options, TimeProvider? timeProvider, ILoggerFactory? loggerFactory)
    {
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _schema = options.Schema;
        _quotedSchema = PostgresSql.QuoteIdentifier(options.Schema);
        _runLockSpace = RunLockSpace(options.Schema);
        _commandTimeout = (int)Math.Ceiling(options.CommandTimeout.TotalSeconds);
        _migrateOnStart = options.MigrateOnStart;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)loggerFactory?.CreateLogger(LoggerCategory) ?? NullLogger.Instance;
        _migrator = new PostgresSchemaMigrator(dataSource.Value, options.Schema, _logger);
        _store = options.ArtifactStore ?? new PostgresArtifactStore(dataSource.Value, options.Schema, _commandTimeout);
    }

    /// <summary>Test hook: called at named points of a write (failure-injection tests throw there).</summary>
    internal Action<string>? Fault { get; set; }

    internal IArtifactStore ArtifactStore => _store;

    // ---------------------------------------------------------------- experiments

    /// <inheritdoc/>
    public async Task<Experiment> CreateExperimentAsync(string name, IReadOnlyDictionary<string, string>? tags = null, CancellationToken cancellationToken = default)
    {
        Experiment.ValidateName(name, nameof(name));
        RegistryValidation.Tags(tags, nameof(tags));
        DateTimeOffset now = Now();
        bool created = await WriteAsync(
            async s =>
            {
                using NpgsqlCommand insert = s.Command("INSERT INTO __schema__.experiments (name, tags, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING")
                    .With(name).WithJson(PostgresJson.Dictionary(tags)).With(now);
                return await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
            },
            cancellationToken).ConfigureAwait(false);
        if (!created)
        {
            throw TrackingValidation.ExperimentExists(name);
        }

        SharedLog.ExperimentCreated(_logger, name);
        return new Experiment { Name = name, Tags = new Dictionary<string, string>(tags ?? new Dictionary<string, string>(), StringComparer.Ordinal), CreatedAt = now };
    }

    /// <inheritdoc/>
    public async Task<Experiment?> GetExperimentAsync(string name, CancellationToken cancellationToken = default)
    {
        Experiment.ValidateName(name, nameof(name));
        IReadOnlyList<Experiment> found = await ReadExperimentsAsync("WHERE name = $1", name, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<Experiment>> ListExperimentsAsync(CancellationToken cancellationToken = default) =>
        ReadExperimentsAsync(string.Empty, null, cancellationToken);

    // ---------------------------------------------------------------- runs

    /// <inheritdoc/>
    public async Task<TrackedRun> StartRunAsync(
        string experimentName, string? runName = null, IReadOnlyDictionary<string, string>? tags = null, CancellationToken cancellationToken = default)
    {
        Experiment.ValidateName(experimentName, nameof(experimentName));
        TrackingValidation.RunName(runName, nameof(runName));
        RegistryValidation.Tags(tags, nameof(tags));
        var id = Guid.NewGuid();
        string runId = id.ToString("N");
        DateTimeOffset now = Now();
        bool experimentCreated = await WriteAsync(
            async s =>
            {
                // A concurrent start that creates the same experiment waits here for the other's insert, then does nothing.
                bool created;
                using (NpgsqlCommand experiment = s.Command(
                    "INSERT INTO __schema__.experiments (name, tags, created_at) VALUES ($1, '{}', $2) ON CONFLICT (name) DO NOTHING").With(experimentName).With(now))
                {
                    created = await experiment.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
                }

                using (NpgsqlCommand run = s.Command(
                    "INSERT INTO __schema__.runs (run_id, experiment_name, run_name, status, started_at) VALUES ($1, $2, $3, $4, $5)")
                    .With(id).With(experimentName).WithText(runName).With((short)RunStatus.Running).With(now))
                {
                    await run.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await UpsertTagsAsync(s, id, tags, cancellationToken).ConfigureAwait(false);
                return created;
            },
            cancellationToken).ConfigureAwait(false);
        if (experimentCreated)
        {
            SharedLog.ExperimentCreated(_logger, experimentName);
        }

        SharedLog.RunStarted(_logger, runId, runName, experimentName);
        return new TrackedRun
        {
            RunId = runId,
            ExperimentName = experimentName,
            RunName = runName,
            Status = RunStatus.Running,
            StartedAt = now,
            Tags = new Dictionary<string, string>(tags ?? new Dictionary<string, string>(), StringComparer.Ordinal),
            Metrics = new Dictionary<string, double>(StringComparer.Ordinal),
            Params = new Dictionary<string, string>(StringComparer.Ordinal),
        };
    }

    /// <inheritdoc/>
    public async Task<TrackedRun> EndRunAsync(string runId, RunStatus status = RunStatus.Finished, string? error = null, CancellationToken cancellationToken = default)
    {
        Guid id = ParseRunId(runId, nameof(runId));
        TrackingValidation.EndStatus(status, nameof(status));
        DateTimeOffset now = Now();
        TrackedRun ended = await WriteAsync(
            async s =>
            {
                // Exclusive: waits for in-flight appends (they hold the lock shared) and holds off new ones until commit.
                using (NpgsqlCommand exclusive = s.Command("SELECT pg_advisory_xact_lock($1)").With(s.RunLockKey(id)))
                {
                    await exclusive.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                using (NpgsqlCommand update = s.Command(
                    "UPDATE __schema__.runs SET status = $2, ended_at = $3, error = $4 WHERE run_id = $1 AND status = 0")
                    .With(id).With((short)status).With(now).WithText(TrackingValidation.Error(error)))
                {
                    if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                    {
                        // Missing, or ended by someone else (the UPDATE waited for them and re-checked the status).
                        await LockRunAsync(s, id, runId, RunLock.Update, requireRunning: true, cancellationToken).ConfigureAwait(false);
                        throw new InvalidOperationException("A running run could not be ended.");
                    }
                }

                return (await LoadRunsAsync(s, [id], cancellationToken).ConfigureAwait(false))[0];
            },
            cancellationToken).ConfigureAwait(false);
        SharedLog.RunEnded(_logger, runId, ended.ExperimentName, status);
        return ended;
    }

    /// <inheritdoc/>
    public async Task<TrackedRun?> GetRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        Guid id = ParseRunId(runId, nameof(runId));
        IReadOnlyList<TrackedRun> runs = await ReadAsync(s => LoadRunsAsync(s, [id], cancellationToken), cancellationToken).ConfigureAwait(false);
        return runs.Count == 0 ? null : runs[0];
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<TrackedRun>> SearchRunsAsync(RunSearchQuery? query = null, CancellationToken cancellationToken = default)
    {
        query = TrackingValidation.Query(query, nameof(query));
        return ReadAsync(
            async s =>
            {
                var sql = new System.Text.StringBuilder("SELECT r.run_id FROM __schema__.runs r");
                var parameters = new List<NpgsqlParameter>();
                string Add(object value, NpgsqlDbType type)
                {
                    parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
                    return "$" + parameters.Count.ToString(CultureInfo.InvariantCulture);
                }

                if (query.OrderByMetric is { } metric)
                {
                    sql.Append(CultureInfo.InvariantCulture, $" LEFT JOIN __schema__.run_latest_metrics om ON om.run_id = r.run_id AND om.key = {Add(metric, NpgsqlDbType.Text)}");
                }

                var where = new List<string>();
                if (query.ExperimentName is { } experiment)
                {
                    where.Add($"r.experiment_name = {Add(experiment, NpgsqlDbType.Text)}");
                }

                if (query.Status is { } status)
                {
                    where.Add($"r.status = {Add((short)status, NpgsqlDbType.Smallint)}");
                }

                if (query.StartedAfter is { } after)
                {
                    where.Add($"r.started_at > {Add(after.ToUniversalTime(), NpgsqlDbType.TimestampTz)}");
                }

                if (query.Tags is { Count: > 0 } required)
                {
                    where.Add(
                        $"NOT EXISTS (SELECT FROM jsonb_each_text({Add(PostgresJson.Dictionary(required), NpgsqlDbType.Jsonb)}) q " +
                        "WHERE NOT EXISTS (SELECT FROM __schema__.run_tags t WHERE t.run_id = r.run_id AND t.key = q.key AND t.value = q.value))");
                }

                if (where.Count > 0)
                {
                    sql.Append(" WHERE ").AppendJoin(" AND ", where);
                }

                sql.Append(" ORDER BY ");
                if (query.OrderByMetric is not null)
                {
                    sql.Append(query.Ascending ? "om.value ASC NULLS LAST, " : "om.value DESC NULLS LAST, ");
                }

                sql.Append(CultureInfo.InvariantCulture, $"r.started_at DESC, r.run_id LIMIT {Add(query.MaxResults, NpgsqlDbType.Integer)}");
                var ids = new List<Guid>();
                using (NpgsqlCommand command = s.Command(sql.ToString()))
                {
                    foreach (NpgsqlParameter parameter in parameters)
                    {
                        command.Parameters.Add(parameter);
                    }

                    NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            ids.Add(reader.GetGuid(0));
                        }
                    }
                }

                return await LoadRunsAsync(s, ids, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }

    // ---------------------------------------------------------------- params, metrics, tags, datasets

    /// <inheritdoc/>
    public async Task LogParamsAsync(string runId, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken = default)
    {
        Guid id = ParseRunId(runId, nameof(runId));
        ArgumentNullException.ThrowIfNull(parameters);
        RegistryValidation.Params(parameters, nameof(parameters));
        List<KeyValuePair<string, string>> batch = [.. parameters];
        await WriteAsync(
            async s =>
            {
                // The run lock serializes parameter writes to the run across every connection: the check below sees every
                // value committed before, so of two writers of one key exactly one wins. A conflict rolls back the batch.
                await LockRunAsync(s, id, runId, RunLock.Update, requireRunning: true, cancellationToken).ConfigureAwait(false);
                var existing = new Dictionary<string, string>(StringComparer.Ordinal);
                using (NpgsqlCommand read = s.Command("SELECT key, value FROM __schema__.run_params WHERE run_id = $1 AND key = ANY($2)")
                    .With(id).With(batch.Select(p => p.Key).ToArray()))
                {
                    NpgsqlDataReader reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            existing[reader.GetString(0)] = reader.GetString(1);
                        }
                    }
                }

                foreach ((string key, string value) in batch)
                {
                    if (existing.TryGetValue(key, out string? logged) && !string.Equals(logged, value, StringComparison.Ordinal))
                    {
                        throw TrackingValidation.ParamAlreadyLogged(runId, key, logged, value);
                    }
                }

                using NpgsqlCommand insert = s.Command(
                    "INSERT INTO __schema__.run_params (run_id, key, value) SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS p(k, v) ON CONFLICT (run_id, key) DO NOTHING")
                    .With(id).With(batch.Select(p => p.Key).ToArray()).With(batch.Select(p => p.Value).ToArray());
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task LogMetricAsync(
        string runId, string key, double value, long step = 0, DateTimeOffset? timestamp = null, CancellationToken cancellationToken = default)
    {
        Guid id = ParseRunId(runId, nameof(runId));
        TrackingValidation.Metric(key, value, step);
        return AppendMetricsAsync(id, runId, [new MetricPoint(key, value, step, timestamp is { } at ? Microseconds(at) : Now())], cancellationToken);
    }

    /// <inheritdoc/>
    public Task LogMetricsAsync(string runId, IEnumerable<MetricPoint> points, CancellationToken cancellationToken = default)
    {
        Guid id = ParseRunId(runId, nameof(runId));
        ArgumentNullException.ThrowIfNull(points);
        List<MetricPoint> batch = [.. TrackingValidation.Points(points, Now(), nameof(points)).Select(p => p with { Timestamp = Microseconds(p.Timestamp) })];
        return batch.Count == 0 ? Task.CompletedTask : AppendMetricsAsync(id, runId, batch, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<MetricPoint>> GetMetricHistoryAsync(string runId, string key, CancellationToken cancellationToken = default)
    {
        Guid id = ParseRunId(runId, nameof(runId));
        RegistryValidation.Key(key, "metric", nameof(key));
        return ReadAsync(
            async s =>
            {
                using NpgsqlCommand command = s.Command("SELECT value, step, at FROM __schema__.run_metrics WHERE run_id = $1 AND key = $2 ORDER BY step, at, seq")
                    .With(id).With(key);
                var points = new List<MetricPoint>();
                NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        points.Add(new MetricPoint(key, reader.GetDouble(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2)));
                    }
                }

                return (IReadOnlyList<MetricPoint>)points;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public async Task SetTagsAsync(string runId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken = default)
    {
        Guid id = ParseRunId(runId, nameof(runId));
        ArgumentNullException.ThrowIfNull(tags);
        RegistryValidation.Tags(tags, nameof(tags));
        await WriteAsync(
            async s =>
            {
                await LockRunAsync(s, id, runId, RunLock.Update, requireRunning: false, cancellationToken).ConfigureAwait(false);
                await UpsertTagsAsync(s, id, tags, cancellationToken).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task DeleteTagAsync(string runId, string key, CancellationToken cancellationToken = default)
    {
        Guid id = ParseRunId(runId, nameof(runId));
        RegistryValidation.Key(key, "tag", nameof(key));
        await WriteAsync(
            async s =>
            {
                await LockRunAsync(s, id, runId, RunLock.Update, requireRunning: false, cancellationToken).ConfigureAwait(false);
                using NpgsqlCommand delete = s.Command("DELETE FROM __schema__.run_tags WHERE run_id = $1 AND key = $2").With(id).With(key);
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task LogDatasetInputAsync(string runId, DatasetInput input, CancellationToken cancellationToken = default)
    {
        Guid id = ParseRunId(runId, nameof(runId));
        ArgumentNullException.ThrowIfNull(input);
        DatasetInput copy = TrackingValidation.Dataset(input, nameof(input));
        await WriteAsync(
            async s =>
            {
                await LockRunAsync(s, id, runId, RunLock.Update, requireRunning: true, cancellationToken).ConfigureAwait(false);
                using NpgsqlCommand insert = s.Command(
                    "INSERT INTO __schema__.run_datasets (run_id, name, digest, source, context, row_count, schema) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                    .With(id).With(copy.Name).With(copy.Digest).WithText(copy.Source).WithText(copy.Context)
                    .WithNullable(copy.RowCount, NpgsqlDbType.Bigint).WithJson(copy.Schema is null ? null : PostgresJson.Serialize(copy.Schema));
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Disposes the data source if the tracker created it from a connection string.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Disposes the data source if the tracker created it from a connection string.</summary>
    /// <returns>A task that completes when the data source is disposed.</returns>
    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _disposed, 1) == 0 && _ownsDataSource ? _dataSource.DisposeAsync() : ValueTask.CompletedTask;

    // ---------------------------------------------------------------- initialization

    /// <summary>Migrates (or, with migration off, verifies) the schema once; a failed attempt is retried by the next call.</summary>
    internal Task EnsureInitializedAsync(CancellationToken cancellationToken = default) =>
        _migrator.EnsurePreparedAsync(_migrateOnStart, "tracker", cancellationToken);
}
