using MLOps.Monitoring.Drift;
using Npgsql;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>
/// The fleet drift store on PostgreSQL (migration 0008): closed windows in <c>fleet_drift_windows</c>, bucketed by the
/// database's clock when they arrive (<c>now()</c> floored to the bucket length, aligned on the Unix epoch), and one
/// report per bucket in <c>fleet_drift_reports</c>, whose primary key (model, version, bucket start) makes a second
/// evaluation of a bucket impossible: <c>INSERT … ON CONFLICT DO NOTHING</c> stores the first and reports the others.
/// </summary>
internal sealed class PostgresFleetDriftStore : IFleetDriftStore
{
    /// <summary>How many buckets one call of <see cref="GetCompleteBucketsAsync"/> returns at most.</summary>
    internal const int MaxBucketsPerPass = 50;

    private readonly NpgsqlDataSource _dataSource;
    private readonly Func<CancellationToken, Task> _prepare;
    private readonly string _replicaId;
    private readonly FleetDriftOptions _options;
    private readonly string _windows;
    private readonly string _reports;

    public PostgresFleetDriftStore(NpgsqlDataSource dataSource, string schema, Func<CancellationToken, Task> prepare, string replicaId, FleetDriftOptions options)
    {
        _dataSource = dataSource;
        _prepare = prepare;
        _replicaId = replicaId;
        _options = options;
        string quoted = PostgresSql.QuoteIdentifier(schema);
        _windows = quoted + ".fleet_drift_windows";
        _reports = quoted + ".fleet_drift_reports";
    }

    public async Task PublishAsync(FleetDriftWindow window, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(window);
        await _prepare(cancellationToken).ConfigureAwait(false);
        // Repeatable: a window already stored is skipped (its replica, model, version, start and end name it).
        await PostgresConnectionLoss.RunAsync(
            _dataSource,
            repeatable: true,
            async connection =>
            {
                using var insert = new NpgsqlCommand(
                    $"""
                    INSERT INTO {_windows} (model, version, replica_id, bucket_start, bucket_end, window_start, window_end, rows, state)
                    SELECT $1, $2, $3, b.start, b.start + $4, $5, $6, $7, $8
                    FROM (SELECT to_timestamp(floor(extract(epoch FROM now()) / $9) * $9) AS start) AS b
                    ON CONFLICT (replica_id, model, version, window_start, window_end) DO NOTHING
                    """,
                    connection);
                insert.With(window.Model.Value).With(window.Version).With(_replicaId).With(_options.BucketLength)
                    .With(window.WindowStart.ToUniversalTime()).With(window.WindowEnd.ToUniversalTime()).With(window.Rows)
                    .WithJson(window.State).With(_options.BucketLength.TotalSeconds);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<FleetDriftBucket>> GetCompleteBucketsAsync(CancellationToken cancellationToken = default)
    {
        await _prepare(cancellationToken).ConfigureAwait(false);
        return await PostgresConnectionLoss.RunAsync<IReadOnlyList<FleetDriftBucket>>(
            _dataSource,
            repeatable: true,
            async connection =>
            {
                using var read = new NpgsqlCommand(
                    $"""
                    WITH pending AS (
                      SELECT DISTINCT w.model, w.version, w.bucket_start FROM {_windows} w
                      WHERE w.bucket_end + $1 <= now()
                        AND NOT EXISTS (SELECT FROM {_reports} r WHERE r.model = w.model AND r.version = w.version AND r.bucket_start = w.bucket_start)
                      ORDER BY w.bucket_start, w.model, w.version
                      LIMIT $2)
                    SELECT w.model, w.version, w.bucket_start, w.bucket_end, w.replica_id, w.window_start, w.window_end, w.rows, w.state::text
                    FROM {_windows} w JOIN pending p USING (model, version, bucket_start)
                    ORDER BY w.bucket_start, w.model, w.version, w.id
                    """,
                    connection);
                read.With(_options.GracePeriod).With(MaxBucketsPerPass);
                var buckets = new List<FleetDriftBucket>();
                List<FleetDriftWindow>? windows = null;
                NpgsqlDataReader reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var model = ModelName.Parse(reader.GetString(0));
                        int version = reader.GetInt32(1);
                        DateTimeOffset start = reader.GetFieldValue<DateTimeOffset>(2);
                        if (buckets.Count == 0 || buckets[^1].Model != model || buckets[^1].Version != version || buckets[^1].BucketStart != start)
                        {
                            windows = [];
                            buckets.Add(new FleetDriftBucket
                            {
                                Model = model,
                                Version = version,
                                BucketStart = start,
                                BucketEnd = reader.GetFieldValue<DateTimeOffset>(3),
                                Windows = windows,
                            });
                        }

                        windows!.Add(new FleetDriftWindow
                        {
                            Model = model,
                            Version = version,
                            Replica = reader.GetString(4),
                            WindowStart = reader.GetFieldValue<DateTimeOffset>(5),
                            WindowEnd = reader.GetFieldValue<DateTimeOffset>(6),
                            Rows = reader.GetInt64(7),
                            State = reader.GetString(8),
                        });
                    }
                }

                return buckets;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> TryCompleteAsync(FleetDriftBucket bucket, DriftReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        ArgumentNullException.ThrowIfNull(report);
        await _prepare(cancellationToken).ConfigureAwait(false);
        // Not repeated: a report committed before its answer was lost would answer false the second time, as if another
        // leader had stored it, and this leader would not tell its subscribers. The pass fails instead (logged).
        return await PostgresConnectionLoss.RunAsync<bool>(
            _dataSource,
            repeatable: false,
            async connection =>
            {
                using var insert = new NpgsqlCommand(
                    $"""
                    INSERT INTO {_reports} (model, version, bucket_start, bucket_end, windows, replicas, rows, dataset_drift, report, evaluated_by)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                    ON CONFLICT (model, version, bucket_start) DO NOTHING
                    """,
                    connection);
                insert.With(bucket.Model.Value).With(bucket.Version).With(bucket.BucketStart.ToUniversalTime()).With(bucket.BucketEnd.ToUniversalTime())
                    .With(bucket.Windows.Count).With(bucket.Windows.Select(w => w.Replica).Distinct().Count()).With(report.CurrentRows)
                    .With(report.DatasetDrift).WithJson(report.ToJson()).With(_replicaId);
                return await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<DriftReport?> GetLatestReportAsync(ModelName model, CancellationToken cancellationToken = default)
    {
        await _prepare(cancellationToken).ConfigureAwait(false);
        return await PostgresConnectionLoss.RunAsync<DriftReport?>(
            _dataSource,
            repeatable: true,
            async connection =>
            {
                using var read = new NpgsqlCommand(
                    $"SELECT report::text FROM {_reports} WHERE model = $1 ORDER BY bucket_start DESC, version DESC LIMIT 1", connection);
                read.With(model.Value);
                return await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string json ? DriftReport.FromJson(json) : null;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <remarks>
    /// One statement, so atomic: the windows and the reports of the buckets that ended before <c>now() − retention</c>
    /// (the database's clock), except each model version's latest report. A report goes only with its bucket's windows,
    /// so a bucket never loses its report while keeping windows that would make it look unevaluated.
    /// </remarks>
    public async Task<int> DeleteExpiredAsync(TimeSpan retention, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retention, TimeSpan.Zero);
        await _prepare(cancellationToken).ConfigureAwait(false);
        return await PostgresConnectionLoss.RunAsync<int>(
            _dataSource,
            repeatable: true,
            async connection =>
            {
                using var delete = new NpgsqlCommand(
                    $"""
                    WITH windows AS (
                      DELETE FROM {_windows} WHERE bucket_end < now() - $1 RETURNING 1),
                    reports AS (
                      DELETE FROM {_reports} r WHERE r.bucket_end < now() - $1
                        AND r.bucket_start < (SELECT max(l.bucket_start) FROM {_reports} l WHERE l.model = r.model AND l.version = r.version)
                      RETURNING 1)
                    SELECT ((SELECT count(*) FROM windows) + (SELECT count(*) FROM reports))::integer
                    """,
                    connection);
                delete.With(retention);
                return (int)(await delete.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            },
            cancellationToken).ConfigureAwait(false);
    }
}
