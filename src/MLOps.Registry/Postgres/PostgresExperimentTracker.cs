using System.ComponentModel.DataAnnotations;
using System.Data;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
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
/// <para>Every write is one READ COMMITTED transaction that first locks the run's row: <c>FOR SHARE</c> to append metric
/// points (appenders on any connection run in parallel), <c>FOR NO KEY UPDATE</c> for parameters, tags, dataset inputs
/// and artifacts (serialized per run, so of two processes writing the same parameter with different values exactly one
/// wins and the other gets <see cref="RegistryErrorCode.ParamAlreadyLogged"/>), and <c>UPDATE</c> to end it (which waits
/// for in-flight appends; nothing is logged to a run after it ended). Reads are one REPEATABLE READ snapshot.</para>
/// <para>Artifacts go to the registry's artifact store (<see cref="PostgresRegistryOptions.ArtifactStore"/>; by default
/// the schema's <c>artifacts</c> table) under a key unique to the attempt, and are recorded (path, SHA-256, length) only
/// after the upload completed; every read verifies length and SHA-256.</para>
/// </remarks>
public sealed class PostgresExperimentTracker : IExperimentTracker, IAsyncDisposable, IDisposable
{
    internal const string LoggerCategory = "MLOps.Tracking";

    private const string ArtifactKeyPrefix = "_tracking/";

    private readonly PostgresRegistryDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly string _schema;
    private readonly string _quotedSchema;
    private readonly int _commandTimeout;
    private readonly bool _migrateOnStart;
    private readonly PostgresSchemaMigrator _migrator;
    private readonly IArtifactStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _initializeLock = new();
    private Task? _initialized;
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
        : this(OpenDataSource(options), ownsDataSource: true, options, timeProvider, loggerFactory)
    {
    }

    internal PostgresExperimentTracker(
        PostgresRegistryDataSource dataSource, bool ownsDataSource, PostgresRegistryOptions options, TimeProvider? timeProvider, ILoggerFactory? loggerFactory)
    {
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _schema = options.Schema;
        _quotedSchema = PostgresSql.QuoteIdentifier(options.Schema);
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
                using (NpgsqlCommand update = s.Command(
                    "UPDATE __schema__.runs SET status = $2, ended_at = $3, error = $4 WHERE run_id = $1 AND status = 0")
                    .With(id).With((short)status).With(now).WithText(TrackingValidation.Error(error)))
                {
                    if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                    {
                        // Missing, or ended by someone else (the UPDATE waited for them and re-checked the status).
                        await LockRunAsync(s, id, runId, RunLock.Share, requireRunning: true, cancellationToken).ConfigureAwait(false);
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

    // ---------------------------------------------------------------- artifacts

    /// <inheritdoc/>
    public async Task<RunArtifact> LogArtifactAsync(string runId, string path, Stream content, CancellationToken cancellationToken = default)
    {
        Guid id = ParseRunId(runId, nameof(runId));
        ModelArtifact.ValidatePath(path, nameof(path));
        ArgumentNullException.ThrowIfNull(content);

        // Fail before uploading when the run has ended or the path is taken; checked again, under the lock, when recording.
        await ReadAsync(
            async s =>
            {
                await EnsureCanStoreAsync(s, id, runId, path, lockRun: false, cancellationToken).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);

        // Upload outside the transaction under a key unique to this attempt, so the run's lock is held only to record it.
        // The key keeps only the file name (at most 255 characters): the full path (up to 1024) is in run_artifacts, and
        // prefix + path could pass the store's key limit.
        string key = $"{ArtifactKeyPrefix}{runId}/{Guid.NewGuid():N}/{path[(path.LastIndexOf('/') + 1)..]}";
        ArtifactDescriptor? stored = null;
        try
        {
            stored = await _store.PutAsync(key, content, cancellationToken).ConfigureAwait(false);
            Fault?.Invoke("artifact-uploaded");
            var artifact = new RunArtifact(path, stored.Sha256.ToLowerInvariant(), stored.Length, Now());
            await WriteAsync(
                async s =>
                {
                    await EnsureCanStoreAsync(s, id, runId, path, lockRun: true, cancellationToken).ConfigureAwait(false);
                    using NpgsqlCommand insert = s.Command(
                        "INSERT INTO __schema__.run_artifacts (run_id, path, key, sha256, length, logged_at) VALUES ($1, $2, $3, $4, $5, $6)")
                        .With(id).With(path).With(key).With(artifact.Sha256).With(artifact.Length).With(artifact.LoggedAt);
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    Fault?.Invoke("artifact-recorded");
                    return true;
                },
                cancellationToken).ConfigureAwait(false);
            return artifact;
        }
        catch
        {
            await DeleteUploadAsync(key, runId).ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<RunArtifact>> ListArtifactsAsync(string runId, CancellationToken cancellationToken = default)
    {
        Guid id = ParseRunId(runId, nameof(runId));
        return ReadAsync(
            async s =>
            {
                using NpgsqlCommand command = s.Command(
                    "SELECT a.path, a.sha256, a.length, a.logged_at FROM __schema__.runs r LEFT JOIN __schema__.run_artifacts a ON a.run_id = r.run_id " +
                    "WHERE r.run_id = $1 ORDER BY a.path").With(id);
                var artifacts = new List<RunArtifact>();
                bool found = false;
                NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        found = true;
                        if (!reader.IsDBNull(0))
                        {
                            artifacts.Add(ReadArtifact(reader, 0));
                        }
                    }
                }

                return found ? (IReadOnlyList<RunArtifact>)artifacts : throw TrackingValidation.RunNotFound(runId);
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<Stream> OpenArtifactAsync(string runId, string path, CancellationToken cancellationToken = default)
    {
        Guid id = ParseRunId(runId, nameof(runId));
        ModelArtifact.ValidatePath(path, nameof(path));
        ArtifactDescriptor descriptor = await ReadAsync(
            async s =>
            {
                using NpgsqlCommand command = s.Command(
                    "SELECT a.key, a.sha256, a.length FROM __schema__.runs r LEFT JOIN __schema__.run_artifacts a ON a.run_id = r.run_id AND a.path = $2 " +
                    "WHERE r.run_id = $1").With(id).With(path);
                NpgsqlDataReader reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        throw TrackingValidation.RunNotFound(runId);
                    }

                    return reader.IsDBNull(0)
                        ? throw TrackingValidation.ArtifactNotFound(runId, path)
                        : new ArtifactDescriptor(reader.GetString(0), reader.GetString(1), reader.GetInt64(2));
                }
            },
            cancellationToken).ConfigureAwait(false);

        Stream stream;
        try
        {
            stream = await _store.OpenReadAsync(descriptor, cancellationToken).ConfigureAwait(false);
        }
        catch (ArtifactIntegrityException ex)
        {
            throw ArtifactPathStream.Rename(ex, path, runId);
        }

        // The store verifies against the descriptor; the wrapper reports failures under the run's artifact path.
        return new ArtifactPathStream(stream, path, runId);
    }

    /// <summary>Disposes the data source if the tracker created it from a connection string.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Disposes the data source if the tracker created it from a connection string.</summary>
    /// <returns>A task that completes when the data source is disposed.</returns>
    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _disposed, 1) == 0 && _ownsDataSource ? _dataSource.DisposeAsync() : ValueTask.CompletedTask;

    // ---------------------------------------------------------------- initialization

    /// <summary>Migrates (or, with migration off, verifies) the schema once; a failed attempt is retried by the next call.</summary>
    internal Task EnsureInitializedAsync(CancellationToken cancellationToken = default)
    {
        Task? initialized = Volatile.Read(ref _initialized);
        if (initialized is { IsCompletedSuccessfully: true })
        {
            return Task.CompletedTask;
        }

        lock (_initializeLock)
        {
            if (_initialized is null || _initialized.IsFaulted || _initialized.IsCanceled)
            {
                _initialized = InitializeCoreAsync();
            }

            initialized = _initialized;
        }

        return initialized.WaitAsync(cancellationToken);
    }

    private async Task InitializeCoreAsync()
    {
        try
        {
            if (_migrateOnStart)
            {
                await _migrator.MigrateAsync(CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await _migrator.VerifyAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException)
        {
            throw new ModelRegistryException(
                RegistryErrorCode.Storage,
                $"The PostgreSQL tracker could not prepare schema '{_schema}' on {PostgresModelRegistry.DescribeServer(_dataSource.Value)}: {ex.Message}",
                ex);
        }
    }

    private static PostgresRegistryDataSource OpenDataSource(PostgresRegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            errors.AddRange(results.Select(r => r.ErrorMessage ?? "invalid."));
        }

        ValidateOptionsResult validation = new PostgresRegistryOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            errors.AddRange(validation.Failures);
        }

        return errors.Count > 0
            ? throw new ArgumentException("The PostgreSQL options are invalid: " + string.Join(" ", errors), nameof(options))
            : new PostgresRegistryDataSource(Options.Create(options));
    }

    // ---------------------------------------------------------------- plumbing

    private enum RunLock
    {
        /// <summary><c>FOR SHARE</c>: appenders proceed together; ending the run waits for them.</summary>
        Share,

        /// <summary><c>FOR NO KEY UPDATE</c>: one writer of the run at a time.</summary>
        Update,
    }

    private static Guid ParseRunId(string runId, string paramName)
    {
        TrackingValidation.RunId(runId, paramName);
        return Guid.ParseExact(runId, "N");
    }

    /// <summary>Now, truncated to the microseconds PostgreSQL keeps, so what is returned equals what is read back.</summary>
    private DateTimeOffset Now() => Microseconds(_time.GetUtcNow());

    private static DateTimeOffset Microseconds(DateTimeOffset value)
    {
        long ticks = value.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % 10), TimeSpan.Zero);
    }

    private static RunArtifact ReadArtifact(NpgsqlDataReader reader, int first) => new(
        reader.GetString(first), reader.GetString(first + 1), reader.GetInt64(first + 2), reader.GetFieldValue<DateTimeOffset>(first + 3));

    private async Task AppendMetricsAsync(Guid id, string runId, List<MetricPoint> points, CancellationToken cancellationToken) =>
        await WriteAsync(
            async s =>
            {
                await LockRunAsync(s, id, runId, RunLock.Share, requireRunning: true, cancellationToken).ConfigureAwait(false);

                // One statement: append the points in logging order, then move each key's latest row forward only to a point
                // later in (step, at, seq) order. Keys are upserted in key order, so concurrent appenders cannot deadlock.
                using NpgsqlCommand append = s.Command(
                    """
                    WITH appended AS (
                      INSERT INTO __schema__.run_metrics (run_id, key, value, step, at)
                      SELECT $1, p.k, p.v, p.s, p.a FROM unnest($2::text[], $3::float8[], $4::bigint[], $5::timestamptz[]) WITH ORDINALITY AS p(k, v, s, a, o) ORDER BY p.o
                      RETURNING key, value, step, at, seq
                    ), latest AS (
                      SELECT DISTINCT ON (key) key, value, step, at, seq FROM appended ORDER BY key, step DESC, at DESC, seq DESC
                    )
                    INSERT INTO __schema__.run_latest_metrics AS l (run_id, key, value, step, at, seq)
                    SELECT $1, key, value, step, at, seq FROM latest ORDER BY key
                    ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value, step = excluded.step, at = excluded.at, seq = excluded.seq
                    WHERE (excluded.step, excluded.at, excluded.seq) > (l.step, l.at, l.seq)
                    """)
                    .With(id)
                    .With(points.Select(p => p.Key).ToArray())
                    .With(points.Select(p => p.Value).ToArray())
                    .With(points.Select(p => p.Step).ToArray())
                    .With(points.Select(p => p.Timestamp).ToArray());
                await append.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);

    private static async Task UpsertTagsAsync(Session s, Guid id, IReadOnlyDictionary<string, string>? tags, CancellationToken cancellationToken)
    {
        if (tags is null || tags.Count == 0)
        {
            return;
        }

        List<KeyValuePair<string, string>> sorted = [.. tags.OrderBy(t => t.Key, StringComparer.Ordinal)];
        using NpgsqlCommand upsert = s.Command(
            "INSERT INTO __schema__.run_tags (run_id, key, value) SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS t(k, v) " +
            "ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value")
            .With(id).With(sorted.Select(t => t.Key).ToArray()).With(sorted.Select(t => t.Value).ToArray());
        await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Locks the run's row; throws NotFound for a missing run and InvalidState for an ended one when it must be running.</summary>
    private static async Task LockRunAsync(Session s, Guid id, string runId, RunLock mode, bool requireRunning, CancellationToken cancellationToken)
    {
        string lockClause = mode == RunLock.Share ? "FOR SHARE" : "FOR NO KEY UPDATE";
        using NpgsqlCommand command = s.Command($"SELECT status FROM __schema__.runs WHERE run_id = $1 {lockClause}").With(id);
        object? status = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (status is not short value)
        {
            throw TrackingValidation.RunNotFound(runId);
        }

        if (requireRunning && value != (short)RunStatus.Running)
        {
            throw TrackingValidation.Ended(runId, (RunStatus)value);
        }
    }

    private static async Task EnsureCanStoreAsync(Session s, Guid id, string runId, string path, bool lockRun, CancellationToken cancellationToken)
    {
        if (lockRun)
        {
            await LockRunAsync(s, id, runId, RunLock.Update, requireRunning: true, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            using NpgsqlCommand status = s.Command("SELECT status FROM __schema__.runs WHERE run_id = $1").With(id);
            object? value = await status.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (value is not short current)
            {
                throw TrackingValidation.RunNotFound(runId);
            }

            if (current != (short)RunStatus.Running)
            {
                throw TrackingValidation.Ended(runId, (RunStatus)current);
            }
        }

        using NpgsqlCommand exists = s.Command("SELECT EXISTS (SELECT FROM __schema__.run_artifacts WHERE run_id = $1 AND path = $2)").With(id).With(path);
        if ((bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
        {
            throw TrackingValidation.ArtifactExists(runId, path);
        }
    }

    private async Task DeleteUploadAsync(string key, string runId)
    {
        try
        {
            await _store.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Best effort: the original failure is what the caller must see; an orphaned blob is never listed.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            SharedLog.TrackingArtifactCleanupFailed(_logger, ex, key, runId);
        }
    }

    private async Task<IReadOnlyList<Experiment>> ReadExperimentsAsync(string where, string? name, CancellationToken cancellationToken) =>
        await ReadAsync(
            async s =>
            {
                using NpgsqlCommand command = s.Command($"SELECT name, tags::text, created_at FROM __schema__.experiments {where} ORDER BY name");
                if (name is not null)
                {
                    command.With(name);
                }

                var experiments = new List<Experiment>();
                NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        experiments.Add(new Experiment
                        {
                            Name = reader.GetString(0),
                            Tags = ReadMap(reader.GetString(1)),
                            CreatedAt = reader.GetFieldValue<DateTimeOffset>(2),
                        });
                    }
                }

                return (IReadOnlyList<Experiment>)experiments;
            },
            cancellationToken).ConfigureAwait(false);

    private static Dictionary<string, string> ReadMap(string json) =>
        new(PostgresJson.Deserialize<Dictionary<string, string>>(json), StringComparer.Ordinal);

    /// <summary>Reads whole runs (in the order of <paramref name="ids"/>; missing ones left out) in one round trip.</summary>
    private static async Task<IReadOnlyList<TrackedRun>> LoadRunsAsync(Session s, List<Guid> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        Guid[] keys = [.. ids];
        using NpgsqlBatch batch = s.Batch(
            "SELECT run_id, experiment_name, run_name, status, started_at, ended_at, error FROM __schema__.runs WHERE run_id = ANY($1)",
            "SELECT run_id, key, value FROM __schema__.run_params WHERE run_id = ANY($1)",
            "SELECT run_id, key, value FROM __schema__.run_tags WHERE run_id = ANY($1)",
            "SELECT run_id, key, value FROM __schema__.run_latest_metrics WHERE run_id = ANY($1)",
            "SELECT run_id, name, digest, source, context, row_count, schema::text FROM __schema__.run_datasets WHERE run_id = ANY($1) ORDER BY seq",
            "SELECT run_id, path, sha256, length, logged_at FROM __schema__.run_artifacts WHERE run_id = ANY($1) ORDER BY path");
        foreach (NpgsqlBatchCommand command in batch.BatchCommands)
        {
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = keys });
        }

        var runs = new Dictionary<Guid, RunRows>();
        NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                runs[reader.GetGuid(0)] = new RunRows
                {
                    ExperimentName = reader.GetString(1),
                    RunName = reader.IsDBNull(2) ? null : reader.GetString(2),
                    Status = (RunStatus)reader.GetInt16(3),
                    StartedAt = reader.GetFieldValue<DateTimeOffset>(4),
                    EndedAt = reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                    Error = reader.IsDBNull(6) ? null : reader.GetString(6),
                };
            }

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                runs[reader.GetGuid(0)].Params[reader.GetString(1)] = reader.GetString(2);
            }

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                runs[reader.GetGuid(0)].Tags[reader.GetString(1)] = reader.GetString(2);
            }

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                runs[reader.GetGuid(0)].Metrics[reader.GetString(1)] = reader.GetDouble(2);
            }

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                runs[reader.GetGuid(0)].Datasets.Add(new DatasetInput(reader.GetString(1), reader.GetString(2))
                {
                    Source = reader.IsDBNull(3) ? null : reader.GetString(3),
                    Context = reader.IsDBNull(4) ? null : reader.GetString(4),
                    RowCount = reader.IsDBNull(5) ? null : reader.GetInt64(5),
                    Schema = reader.IsDBNull(6) ? null : PostgresJson.Deserialize<List<SignatureColumn>>(reader.GetString(6)),
                });
            }

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                runs[reader.GetGuid(0)].Artifacts.Add(ReadArtifact(reader, 1));
            }
        }

        var result = new List<TrackedRun>(ids.Count);
        foreach (Guid id in ids)
        {
            if (runs.TryGetValue(id, out RunRows? rows))
            {
                result.Add(new TrackedRun
                {
                    RunId = id.ToString("N"),
                    ExperimentName = rows.ExperimentName,
                    RunName = rows.RunName,
                    Status = rows.Status,
                    StartedAt = rows.StartedAt,
                    EndedAt = rows.EndedAt,
                    Error = rows.Error,
                    Params = rows.Params,
                    Metrics = rows.Metrics,
                    Tags = rows.Tags,
                    Datasets = rows.Datasets,
                    Artifacts = rows.Artifacts,
                });
            }
        }

        return result;
    }

    /// <summary>Runs <paramref name="read"/> in a REPEATABLE READ transaction: one snapshot for every statement.</summary>
    private Task<T> ReadAsync<T>(Func<Session, Task<T>> read, CancellationToken cancellationToken) =>
        RunAsync(IsolationLevel.RepeatableRead, read, cancellationToken);

    /// <summary>Runs <paramref name="work"/> in a READ COMMITTED transaction; an exception rolls everything back.</summary>
    private Task<T> WriteAsync<T>(Func<Session, Task<T>> work, CancellationToken cancellationToken) =>
        RunAsync(IsolationLevel.ReadCommitted, work, cancellationToken);

    private async Task<T> RunAsync<T>(IsolationLevel isolation, Func<Session, Task<T>> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            NpgsqlConnection connection = await _dataSource.Value.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                NpgsqlTransaction transaction = await connection.BeginTransactionAsync(isolation, cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    T result = await work(new Session(this, connection, transaction)).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return result;
                }
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw new ModelRegistryException(RegistryErrorCode.Storage, $"The PostgreSQL tracker (schema '{_schema}') failed: {ex.Message}", ex);
        }
    }

    /// <summary>An open connection and transaction.</summary>
    private sealed class Session(PostgresExperimentTracker tracker, NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        public NpgsqlCommand Command(string sql) =>
            new(tracker.Sql(sql), connection, transaction) { CommandTimeout = tracker._commandTimeout };

        public NpgsqlBatch Batch(params string[] statements)
        {
            var batch = new NpgsqlBatch(connection, transaction) { Timeout = tracker._commandTimeout };
            foreach (string statement in statements)
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand(tracker.Sql(statement)));
            }

            return batch;
        }
    }

    private string Sql(string sql) => sql.Replace(PostgresMigration.SchemaPlaceholder, _quotedSchema, StringComparison.Ordinal);

    /// <summary>The rows of one run while they are read.</summary>
    private sealed class RunRows
    {
        public required string ExperimentName { get; init; }

        public string? RunName { get; init; }

        public RunStatus Status { get; init; }

        public DateTimeOffset StartedAt { get; init; }

        public DateTimeOffset? EndedAt { get; init; }

        public string? Error { get; init; }

        public Dictionary<string, string> Params { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, double> Metrics { get; } = new(StringComparer.Ordinal);

        public List<DatasetInput> Datasets { get; } = [];

        public List<RunArtifact> Artifacts { get; } = [];
    }
}
