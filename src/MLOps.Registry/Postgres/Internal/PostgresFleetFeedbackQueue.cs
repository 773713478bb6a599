using Microsoft.Extensions.Logging;
using MLOps.Monitoring.Quality.Feedback;
using Npgsql;
using NpgsqlTypes;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>
/// The fleet's queue of labelled predictions in the table <c>quality_queue</c> (migration 0007): any replica inserts
/// (<c>ON CONFLICT (prediction_id) DO NOTHING</c>: exactly once), the leader reads by position and deletes what it joined.
/// A row committed after rows with higher positions (concurrent inserts) is simply read on a later pass: nothing is
/// skipped, since the queue has no cursor to move past it.
/// </summary>
internal sealed class PostgresFleetFeedbackQueue : IFleetFeedbackQueue
{
    private const string Columns =
        "position, prediction_id, model, version, variant, predicted_at, predicted_value, score, predicted_label, segment, " +
        "actual_kind, actual_number, actual_label, received_at";

    private readonly NpgsqlDataSource _dataSource;
    private readonly Func<CancellationToken, Task> _prepare;
    private readonly int _commandTimeout;
    private readonly string _insertSql;
    private readonly string _readSql;
    private readonly string _deleteSql;

    public PostgresFleetFeedbackQueue(NpgsqlDataSource dataSource, PostgresRegistryOptions registry, ILogger logger)
    {
        _dataSource = dataSource;
        _commandTimeout = (int)Math.Ceiling(registry.CommandTimeout.TotalSeconds);
        var migrator = new PostgresSchemaMigrator(dataSource, registry.Schema, logger);
        bool migrate = registry.MigrateOnStart;
        _prepare = token => migrator.EnsurePreparedAsync(migrate, "fleet quality queue", token);
        string table = PostgresSql.QuoteIdentifier(registry.Schema) + ".quality_queue";
        _insertSql = $"INSERT INTO {table} (prediction_id, model, version, variant, predicted_at, predicted_value, score, predicted_label, segment, " +
            "actual_kind, actual_number, actual_label, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) " +
            "ON CONFLICT (prediction_id) DO NOTHING";
        _readSql = $"SELECT {Columns} FROM {table} ORDER BY position LIMIT $1";
        _deleteSql = $"DELETE FROM {table} WHERE position = ANY($1)";
    }

    public async ValueTask<bool> TryEnqueueAsync(PredictionRecord prediction, FeedbackRecord feedback, CancellationToken cancellationToken = default)
    {
        await _prepare(cancellationToken).ConfigureAwait(false);
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
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
        }
    }

    public async ValueTask<IReadOnlyList<QueuedFeedback>> ReadPendingAsync(int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await _prepare(cancellationToken).ConfigureAwait(false);
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var read = new NpgsqlCommand(_readSql, connection) { CommandTimeout = _commandTimeout };
            read.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            var result = new List<QueuedFeedback>();
            NpgsqlDataReader reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
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
                    result.Add(new QueuedFeedback(reader.GetInt64(0), prediction, feedback));
                }
            }

            return result;
        }
    }

    public async ValueTask CompleteAsync(IReadOnlyList<long> positions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(positions);
        if (positions.Count == 0)
        {
            return;
        }

        await _prepare(cancellationToken).ConfigureAwait(false);
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var delete = new NpgsqlCommand(_deleteSql, connection) { CommandTimeout = _commandTimeout };
            delete.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. positions] });
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static NpgsqlParameter Text(string? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };
}
