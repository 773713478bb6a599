using System.Data;
using System.Runtime.CompilerServices;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Quality.Feedback;
using Npgsql;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>Lookups by id, the streaming reader for batch jobs, and feedback.</summary>
internal sealed partial class PostgresPredictionLog
{
    private const string ReadColumns =
        "p.id, p.model, p.version, p.variant, p.predicted_at, p.predicted_value, p.score, p.predicted_label, p.segment, " +
        "p.input_names, p.input_kinds, p.input_numbers, p.input_categories";

    /// <inheritdoc/>
    public async ValueTask<PredictionRecord?> FindAsync(PredictionId predictionId, CancellationToken cancellationToken = default)
    {
        if (predictionId.IsEmpty)
        {
            return null;
        }

        await _prepare(cancellationToken).ConfigureAwait(false);
        return await PostgresConnectionLoss.RunAsync<PredictionRecord?>(
            _dataSource,
            repeatable: true,
            async connection =>
            {
                using var find = new NpgsqlCommand($"SELECT {ReadColumns} FROM {_quotedSchema}.predictions p WHERE p.id = $1 LIMIT 1", connection)
                {
                    CommandTimeout = _commandTimeout,
                };
                find.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = predictionId.ToGuid() });
                NpgsqlDataReader reader = await find.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                        ? await ReadRecordAsync(reader, null, cancellationToken).ConfigureAwait(false)
                        : (PredictionRecord?)null;
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// One REPEATABLE READ, read-only transaction with a server-side cursor, fetched <see cref="ReadPageSize"/> rows at a
    /// time (read with <see cref="CommandBehavior.SequentialAccess"/>): memory holds one page, whatever the range.
    /// Each prediction comes with its stored feedback (LEFT JOIN), as one consistent snapshot.
    /// </remarks>
    public async IAsyncEnumerable<LoggedPrediction> ReadAsync(
        ModelName model, DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(model.Value))
        {
            throw new ArgumentException("A model name is required.", nameof(model));
        }

        if (to < from)
        {
            throw new ArgumentException($"The end of the range ({to:O}) is before its start ({from:O}).", nameof(to));
        }

        await _prepare(cancellationToken).ConfigureAwait(false);
        (NpgsqlConnection connection, NpgsqlTransaction transaction) = await OpenCursorAsync(model, from, to, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await using (transaction.ConfigureAwait(false))
            {
                int pageSize = ReadPageSize;
                using var fetch = new NpgsqlCommand($"FETCH FORWARD {pageSize} FROM mlops_prediction_read", connection, transaction)
                {
                    CommandTimeout = _commandTimeout,
                };
                while (true)
                {
                    int rows = 0;
                    Interlocked.Increment(ref _pagesFetched);
                    NpgsqlDataReader reader = await fetch.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            rows++;
                            PredictionRecord prediction = await ReadRecordAsync(reader, model, cancellationToken).ConfigureAwait(false);
                            GroundTruth? actual = await ReadActualAsync(reader, 13, cancellationToken).ConfigureAwait(false);
                            yield return new LoggedPrediction(prediction, actual);
                        }
                    }

                    if (rows < pageSize)
                    {
                        break;
                    }
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Opens the read's connection, its read-only REPEATABLE READ transaction and its cursor. Nothing is read yet, so a
    /// stale pooled connection (PostgreSQL restarted since it was pooled) clears the pool and all of it is done once more
    /// on a fresh connection; a failure while rows are streamed is thrown to the job (it cannot be resumed unseen).
    /// </summary>
    private async Task<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> OpenCursorAsync(
        ModelName model, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            NpgsqlConnection? connection = null;
            try
            {
                connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                NpgsqlTransaction transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
                using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction))
                {
                    await readOnly.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                using (var declare = new NpgsqlCommand(
                    $"DECLARE mlops_prediction_read NO SCROLL CURSOR FOR " +
                    $"SELECT {ReadColumns}, f.actual_kind, f.actual_number, f.actual_label " +
                    $"FROM {_quotedSchema}.predictions p LEFT JOIN {_quotedSchema}.feedback f ON f.prediction_id = p.id " +
                    "WHERE p.model = $1 AND p.predicted_at >= $2 AND p.predicted_at < $3 ORDER BY p.predicted_at",
                    connection,
                    transaction))
                {
                    declare.Parameters.Add(new NpgsqlParameter<string> { TypedValue = model.Value });
                    declare.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = from.UtcDateTime });
                    declare.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = to.UtcDateTime });
                    await declare.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                return (connection, transaction);
            }
            catch (Exception ex) when (connection is not null || PostgresConnectionLoss.IsConnectionLost(ex))
            {
                if (connection is not null)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                }

                if (PostgresConnectionLoss.Forget(_dataSource, ex) && attempt == 0 && !cancellationToken.IsCancellationRequested)
                {
                    continue;
                }

                throw;
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TryAppendAsync(FeedbackRecord feedback, CancellationToken cancellationToken = default)
    {
        if (feedback.PredictionId.IsEmpty)
        {
            throw new ArgumentException("The feedback names no prediction (the empty id).", nameof(feedback));
        }

        if (feedback.Actual.Kind == GroundTruthKind.None)
        {
            throw new ArgumentException("The feedback holds no value (GroundTruthKind.None).", nameof(feedback));
        }

        await _prepare(cancellationToken).ConfigureAwait(false);
        // Repeatable: after a lost connection nothing was stored, or (the answer lost after the commit) the second
        // attempt finds the row and answers false, what the client's own resend would get. First-wins holds either way.
        return await PostgresConnectionLoss.RunAsync<bool>(
            _dataSource,
            repeatable: true,
            async connection =>
            {
                using var insert = new NpgsqlCommand(
                    // predicted_at from the log (NULL when the prediction is not there yet): retention keeps the feedback as
                    // long as its prediction, so first-wins holds for as long as the prediction can be found.
                    $"INSERT INTO {_quotedSchema}.feedback (prediction_id, actual_kind, actual_number, actual_label, received_at, replica_id, predicted_at) " +
                    $"VALUES ($1, $2, $3, $4, $5, $6, (SELECT p.predicted_at FROM {_quotedSchema}.predictions p WHERE p.id = $1 LIMIT 1)) " +
                    "ON CONFLICT (prediction_id) DO NOTHING",
                    connection)
                {
                    CommandTimeout = _commandTimeout,
                };
                double number = feedback.Actual.Number;
                insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = feedback.PredictionId.ToGuid() });
                insert.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)feedback.Actual.Kind });
                insert.Parameters.Add(new NpgsqlParameter { Value = double.IsNaN(number) ? DBNull.Value : number, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Double });
                insert.Parameters.Add(new NpgsqlParameter { Value = (object?)PostgresText.Clean(feedback.Actual.Label) ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
                insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = feedback.ReceivedAt.UtcDateTime });
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ReplicaId });
                return await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the 13 prediction columns of <see cref="ReadColumns"/> in order (the reader is sequential).</summary>
    private static async Task<PredictionRecord> ReadRecordAsync(NpgsqlDataReader reader, ModelName? model, CancellationToken cancellationToken)
    {
        Guid id = reader.GetGuid(0);
        string modelText = reader.GetString(1);
        int version = reader.GetInt32(2);
        string variant = reader.GetString(3);
        DateTime predictedAt = reader.GetFieldValue<DateTime>(4);
        double predictedValue = await reader.IsDBNullAsync(5, cancellationToken).ConfigureAwait(false) ? double.NaN : reader.GetDouble(5);
        double score = await reader.IsDBNullAsync(6, cancellationToken).ConfigureAwait(false) ? double.NaN : reader.GetDouble(6);
        string? label = await reader.IsDBNullAsync(7, cancellationToken).ConfigureAwait(false) ? null : reader.GetString(7);
        string? segment = await reader.IsDBNullAsync(8, cancellationToken).ConfigureAwait(false) ? null : reader.GetString(8);
        LoggedFeature[]? inputs = null;
        if (!await reader.IsDBNullAsync(9, cancellationToken).ConfigureAwait(false))
        {
            string[] names = reader.GetFieldValue<string[]>(9);
            short[] kinds = reader.GetFieldValue<short[]>(10);
            double[] numbers = reader.GetFieldValue<double[]>(11);
            string?[] categories = reader.GetFieldValue<string?[]>(12);
            inputs = new LoggedFeature[names.Length];
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] = new LoggedFeature(names[i], (FeatureKind)kinds[i], numbers[i], categories[i]);
            }
        }

        return new PredictionRecord(
            PredictionId.FromGuid(id),
            model is { } known && string.Equals(known.Value, modelText, StringComparison.Ordinal) ? known : ModelName.Parse(modelText),
            new ModelVersion(version),
            variant,
            new DateTimeOffset(DateTime.SpecifyKind(predictedAt, DateTimeKind.Utc)),
            predictedValue,
            score,
            label,
            segment,
            inputs);
    }

    private static async Task<GroundTruth?> ReadActualAsync(NpgsqlDataReader reader, int first, CancellationToken cancellationToken)
    {
        if (await reader.IsDBNullAsync(first, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var kind = (GroundTruthKind)reader.GetInt16(first);
        double number = await reader.IsDBNullAsync(first + 1, cancellationToken).ConfigureAwait(false) ? double.NaN : reader.GetDouble(first + 1);
        string? label = await reader.IsDBNullAsync(first + 2, cancellationToken).ConfigureAwait(false) ? null : reader.GetString(first + 2);
        return kind switch
        {
            GroundTruthKind.Number => (GroundTruth?)GroundTruth.FromNumber(number),
            GroundTruthKind.Boolean => GroundTruth.FromBoolean(number != 0),
            GroundTruthKind.Label when label is not null => GroundTruth.FromLabel(label),
            _ => null,
        };
    }
}
