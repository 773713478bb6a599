using System.Buffers.Binary;
using System.Data;
using System.Security.Cryptography;
using System.Text;
using MLOps.Registry.Postgres.Internal;
using MLOps.Registry.Tracking;
using Npgsql;
using SharedLog = MLOps.Registry.Internal.Log;

namespace MLOps;

/// <content>Transactions, row locks and reading whole runs.</content>
public sealed partial class PostgresExperimentTracker
{
    private enum RunLock
    {
        /// <summary>
        /// The run's advisory lock in shared mode, then the row <c>FOR KEY SHARE</c>: appenders proceed together and do
        /// not block parameter writers; ending the run takes the advisory lock exclusively, so it waits for in-flight
        /// appends and appends that arrive after it queue behind it.
        /// </summary>
        Append,

        /// <summary><c>FOR NO KEY UPDATE</c>: one writer of the run at a time.</summary>
        Update,
    }

    /// <summary>
    /// The 64-bit key of a run's transaction-level advisory lock: the run id folded to 64 bits, mixed with this schema's
    /// key space so trackers of other schemas in the same database rarely share keys (a shared key only serializes, it
    /// never lets an append through).
    /// </summary>
    /// <remarks>
    /// Why not a row lock: PostgreSQL lets a <c>FOR SHARE</c> locker join the lockers already on a row even while an
    /// <c>UPDATE</c> waits for them, so a steady stream of appenders from several connections could hold off ending the
    /// run indefinitely (we measured 16 to over 30 seconds with four appenders). The heavyweight lock manager behind
    /// advisory locks queues a shared request behind a waiting exclusive one.
    /// </remarks>
    private long RunLockKey(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        return _runLockSpace ^ BinaryPrimitives.ReadInt64LittleEndian(bytes) ^ BinaryPrimitives.ReadInt64LittleEndian(bytes[8..]);
    }

    private static long RunLockSpace(string schema) =>
        BinaryPrimitives.ReadInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes("mlops.tracking.run:" + schema)));

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
                await LockRunAsync(s, id, runId, RunLock.Append, requireRunning: true, cancellationToken).ConfigureAwait(false);

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

    /// <summary>Locks the run (see <see cref="RunLock"/>); throws NotFound for a missing run and InvalidState for an ended one when it must be running.</summary>
    private static async Task LockRunAsync(Session s, Guid id, string runId, RunLock mode, bool requireRunning, CancellationToken cancellationToken)
    {
        object? status;
        if (mode == RunLock.Append)
        {
            // Two statements in one round trip: under READ COMMITTED the SELECT takes its snapshot after the advisory
            // lock is granted, so it sees the status an end that went first committed.
            using NpgsqlBatch batch = s.Batch(
                "SELECT pg_advisory_xact_lock_shared($1)",
                "SELECT status FROM __schema__.runs WHERE run_id = $1 FOR KEY SHARE");
            batch.BatchCommands[0].Parameters.Add(new NpgsqlParameter<long> { TypedValue = s.RunLockKey(id) });
            batch.BatchCommands[1].Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
            NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                status = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? reader.GetInt16(0) : null;
            }
        }
        else
        {
            using NpgsqlCommand command = s.Command("SELECT status FROM __schema__.runs WHERE run_id = $1 FOR NO KEY UPDATE").With(id);
            status = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }

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

        // Every path of the run: the new one must not repeat one, nor clash with one in the file tree (model vs model/x).
        using NpgsqlCommand existing = s.Command("SELECT path FROM __schema__.run_artifacts WHERE run_id = $1").With(id);
        var paths = new List<string>();
        NpgsqlDataReader reader = await existing.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                paths.Add(reader.GetString(0));
            }
        }

        TrackingValidation.ArtifactFits(runId, paths, path);
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

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction. A transaction whose connection turns out to be gone before its
    /// first command ran (a stale pooled connection from before a PostgreSQL restart; a read at any point) clears the
    /// pool and runs once more on a fresh connection; a failure later in a write, or at the commit, is not repeated.
    /// </summary>
    private async Task<T> RunAsync<T>(IsolationLevel isolation, Func<Session, Task<T>> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        for (int attempt = 0; ; attempt++)
        {
            Session? session = null;
            bool committing = false;
            try
            {
                NpgsqlConnection connection = await _dataSource.Value.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    NpgsqlTransaction transaction = await connection.BeginTransactionAsync(isolation, cancellationToken).ConfigureAwait(false);
                    await using (transaction.ConfigureAwait(false))
                    {
                        session = new Session(this, connection, transaction);
                        T result = await work(session).ConfigureAwait(false);
                        committing = true;
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                        return result;
                    }
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                bool repeatable = isolation == IsolationLevel.RepeatableRead || (!committing && (session is null || session.Commands <= 1));
                if (PostgresConnectionLoss.Forget(_dataSource.Value, ex) && attempt == 0 && repeatable)
                {
                    continue;
                }

                throw new ModelRegistryException(RegistryErrorCode.Storage, $"The PostgreSQL tracker (schema '{_schema}') failed: {ex.Message}", ex);
            }
        }
    }

    /// <summary>An open connection and transaction.</summary>
    private sealed class Session(PostgresExperimentTracker tracker, NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        /// <summary>Gets how many commands were created in the transaction (a failure on the first one is safe to repeat).</summary>
        public int Commands { get; private set; }

        public NpgsqlCommand Command(string sql)
        {
            Commands++;
            return new(tracker.Sql(sql), connection, transaction) { CommandTimeout = tracker._commandTimeout };
        }

        public long RunLockKey(Guid id) => tracker.RunLockKey(id);

        public NpgsqlBatch Batch(params string[] statements)
        {
            Commands++;
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
