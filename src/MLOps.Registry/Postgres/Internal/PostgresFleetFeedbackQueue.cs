using Microsoft.Extensions.Logging;
using MLOps.Monitoring.Quality.Feedback;
using Npgsql;
using NpgsqlTypes;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>
/// The fleet's queue of labelled predictions in the table <c>quality_queue</c> (migrations 0007, 0009) and its published
/// windows in <c>quality_windows</c>: any replica inserts (<c>ON CONFLICT (prediction_id) DO NOTHING</c>: exactly once);
/// the leader reads by position, claims rows by a compare-and-set on <c>joined_by</c> (its term), and deletes a window's
/// rows in the transaction that stores the window, only if its term still holds all of them. A row committed after rows
/// with higher positions (concurrent inserts) is simply read on a later pass: the queue has no cursor to move past it.
/// </summary>
internal sealed partial class PostgresFleetFeedbackQueue : IFleetFeedbackQueue
{
    private const string Columns =
        "position, prediction_id, model, version, variant, predicted_at, predicted_value, score, predicted_label, segment, " +
        "actual_kind, actual_number, actual_label, received_at, joined_by";

    private readonly NpgsqlDataSource _dataSource;
    private readonly Func<CancellationToken, Task> _prepare;
    private readonly int _commandTimeout;
    private readonly string _replicaId;
    private readonly string _table;
    private readonly string _windows;
    private readonly string _insertSql;

    public PostgresFleetFeedbackQueue(NpgsqlDataSource dataSource, PostgresRegistryOptions registry, ILogger logger, string? replicaId = null)
    {
        _dataSource = dataSource;
        _commandTimeout = (int)Math.Ceiling(registry.CommandTimeout.TotalSeconds);
        _replicaId = replicaId ?? Environment.MachineName + ":" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var migrator = new PostgresSchemaMigrator(dataSource, registry.Schema, logger);
        bool migrate = registry.MigrateOnStart;
        _prepare = token => migrator.EnsurePreparedAsync(migrate, "fleet quality queue", token);
        string schema = PostgresSql.QuoteIdentifier(registry.Schema);
        _table = schema + ".quality_queue";
        _windows = schema + ".quality_windows";
        // One statement, so one transaction: the prediction's stored feedback (the one that won) is marked queued, and the
        // pair is inserted only if this statement marked it, with that feedback's ground truth and time. A prediction with
        // no stored feedback (a queue used without the feedback table) is queued with the given ground truth. Concurrent
        // calls for one prediction: the row lock on the feedback makes the second see it marked, and insert nothing.
        _insertSql =
            $"""
            WITH mark AS (
              UPDATE {schema}.feedback SET queued = true WHERE prediction_id = $1 AND NOT queued
              RETURNING actual_kind, actual_number, actual_label, received_at)
            INSERT INTO {_table} (prediction_id, model, version, variant, predicted_at, predicted_value, score, predicted_label, segment,
              actual_kind, actual_number, actual_label, received_at)
            SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9,
              COALESCE(m.actual_kind, $10),
              CASE WHEN m.actual_kind IS NULL THEN $11 ELSE COALESCE(m.actual_number, 'NaN'::double precision) END,
              CASE WHEN m.actual_kind IS NULL THEN $12 ELSE m.actual_label END,
              COALESCE(m.received_at, $13)
            FROM (SELECT 1) AS one LEFT JOIN mark AS m ON true
            WHERE EXISTS (SELECT FROM mark) OR NOT EXISTS (SELECT FROM {schema}.feedback WHERE prediction_id = $1)
            ON CONFLICT (prediction_id) DO NOTHING
            """;
    }

    public async ValueTask<bool> TryEnqueueAsync(PredictionRecord prediction, FeedbackRecord feedback, CancellationToken cancellationToken = default)
    {
        await _prepare(cancellationToken).ConfigureAwait(false);
        // Repeatable: the feedback's mark and ON CONFLICT DO NOTHING; a second attempt after a commit whose answer was lost
        // answers false.
        return await PostgresConnectionLoss.RunAsync<bool>(
            _dataSource,
            repeatable: true,
            async connection =>
            {
                using var insert = new NpgsqlCommand(_insertSql, connection) { CommandTimeout = _commandTimeout };
                GroundTruth actual = feedback.Actual;
                insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = prediction.PredictionId.ToGuid() });
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = prediction.ModelName.Value });
                insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = prediction.ModelVersion.Number });
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = prediction.Variant });
                insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = prediction.Timestamp.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
                insert.Parameters.Add(new NpgsqlParameter<double> { TypedValue = prediction.PredictedValue });
                insert.Parameters.Add(new NpgsqlParameter<double> { TypedValue = prediction.Score });
                insert.Parameters.Add(Text(prediction.PredictedLabel));
                insert.Parameters.Add(Text(prediction.Segment));
                insert.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)actual.Kind });
                insert.Parameters.Add(new NpgsqlParameter<double> { TypedValue = actual.Number });
                insert.Parameters.Add(Text(actual.Label));
                insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = feedback.ReceivedAt.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz });
                return await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<QueuedFeedback>> ReadAsync(Guid joiner, bool includeOtherJoiners, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await _prepare(cancellationToken).ConfigureAwait(false);
        return await PostgresConnectionLoss.RunAsync<IReadOnlyList<QueuedFeedback>>(
            _dataSource,
            repeatable: true,
            async connection =>
            {
                // Steady state: the partial index of unclaimed rows, never the rows in this leader's open windows. The sweep:
                // every row this term does not hold (the primary key's order, skipping this term's rows).
                string filter = includeOtherJoiners ? "joined_by IS DISTINCT FROM $2" : "joined_by IS NULL";
                using var read = new NpgsqlCommand($"SELECT {Columns} FROM {_table} WHERE {filter} ORDER BY position LIMIT $1", connection) { CommandTimeout = _commandTimeout };
                read.With(limit);
                if (includeOtherJoiners)
                {
                    read.With(joiner);
                }

                var result = new List<QueuedFeedback>();
                NpgsqlDataReader reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        result.Add(ReadPair(reader));
                    }
                }

                return result;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlySet<long>> ClaimAsync(Guid joiner, IReadOnlyList<QueuedFeedback> pairs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var claimed = new HashSet<long>();
        if (pairs.Count == 0)
        {
            return claimed;
        }

        await _prepare(cancellationToken).ConfigureAwait(false);
        // Not repeated: a claim committed before its answer was lost would not match again, and the term would hold rows
        // it does not know of; the joiner ends the term on a failure instead, releasing all of them.
        return await PostgresConnectionLoss.RunAsync<IReadOnlySet<long>>(
            _dataSource,
            repeatable: false,
            async connection =>
            {
                // Compare-and-set per row: a row another term claimed in between no longer matches (READ COMMITTED re-checks
                // the condition on the row's newest version after waiting for the other writer), so each row goes to one term.
                // Rows are locked in position order, so two leaders claiming overlapping rows wait for each other, never deadlock.
                using var claim = new NpgsqlCommand(
                    $"""
                    WITH locked AS (
                      SELECT q.position, r.seen FROM {_table} AS q
                      JOIN unnest($2::bigint[], $3::uuid[]) AS r(position, seen) ON q.position = r.position
                      WHERE q.joined_by IS NOT DISTINCT FROM r.seen
                      ORDER BY q.position
                      FOR UPDATE OF q)
                    UPDATE {_table} AS q SET joined_by = $1
                    FROM locked
                    WHERE q.position = locked.position AND q.joined_by IS NOT DISTINCT FROM locked.seen
                    RETURNING q.position
                    """,
                    connection) { CommandTimeout = _commandTimeout };
                claim.With(joiner).With(pairs.Select(p => p.Position).ToArray());
                claim.Parameters.Add(new NpgsqlParameter { Value = pairs.Select(p => (object)(p.JoinedBy is { } g ? g : DBNull.Value)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
                NpgsqlDataReader reader = await claim.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        claimed.Add(reader.GetInt64(0));
                    }
                }

                return claimed;
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DeleteAsync(Guid joiner, IReadOnlyList<long> positions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(positions);
        if (positions.Count == 0)
        {
            return;
        }

        await _prepare(cancellationToken).ConfigureAwait(false);
        await PostgresConnectionLoss.RunAsync(
            _dataSource,
            repeatable: true,
            async connection =>
            {
                using var delete = new NpgsqlCommand($"DELETE FROM {_table} WHERE position = ANY($1) AND joined_by = $2", connection) { CommandTimeout = _commandTimeout };
                delete.With(positions.ToArray()).With(joiner);
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask ReleaseAsync(Guid joiner, IReadOnlyList<long>? positions, CancellationToken cancellationToken = default)
    {
        if (positions is { Count: 0 })
        {
            return;
        }

        await _prepare(cancellationToken).ConfigureAwait(false);
        await PostgresConnectionLoss.RunAsync(
            _dataSource,
            repeatable: true,
            async connection =>
            {
                using var release = new NpgsqlCommand(
                    $"UPDATE {_table} SET joined_by = NULL WHERE joined_by = $1" + (positions is null ? string.Empty : " AND position = ANY($2)"),
                    connection) { CommandTimeout = _commandTimeout };
                release.With(joiner);
                if (positions is not null)
                {
                    release.With(positions.ToArray());
                }

                await release.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static QueuedFeedback ReadPair(NpgsqlDataReader reader)
    {
        var id = PredictionId.FromGuid(reader.GetGuid(1));
        var prediction = new PredictionRecord(
            id,
            ModelName.Parse(reader.GetString(2)),
            new ModelVersion(reader.GetInt32(3)),
            reader.GetString(4),
            new DateTimeOffset(reader.GetFieldValue<DateTime>(5).Ticks, TimeSpan.Zero),
            reader.GetDouble(6),
            reader.GetDouble(7),
            reader.IsDBNull(8) ? null : reader.GetString(8),
            reader.IsDBNull(9) ? null : reader.GetString(9));
        GroundTruth actual = (GroundTruthKind)reader.GetInt16(10) switch
        {
            GroundTruthKind.Number => GroundTruth.FromNumber(reader.GetDouble(11)),
            GroundTruthKind.Boolean => GroundTruth.FromBoolean(reader.GetDouble(11) != 0),
            GroundTruthKind.Label when !reader.IsDBNull(12) => GroundTruth.FromLabel(reader.GetString(12)),
            _ => default,
        };
        var feedback = new FeedbackRecord(id, actual, new DateTimeOffset(reader.GetFieldValue<DateTime>(13).Ticks, TimeSpan.Zero));
        return new QueuedFeedback(reader.GetInt64(0), prediction, feedback, reader.IsDBNull(14) ? null : reader.GetGuid(14));
    }

    private static NpgsqlParameter Text(string? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };
}
