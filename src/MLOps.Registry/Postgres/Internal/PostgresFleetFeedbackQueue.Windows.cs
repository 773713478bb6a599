using MLOps.Monitoring.Quality;
using Npgsql;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>The published windows of the fleet's quality (<c>quality_windows</c>, migration 0009).</summary>
internal sealed partial class PostgresFleetFeedbackQueue
{
    public async ValueTask<bool> TryPublishAsync(Guid joiner, Guid windowId, QualityWindow window, IReadOnlyList<long> positions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(positions);
        await _prepare(cancellationToken).ConfigureAwait(false);
        // Repeatable: the window id makes a second attempt after a lost answer a no-op that answers true.
        return await PostgresConnectionLoss.RunAsync<bool>(
            _dataSource,
            repeatable: true,
            async connection =>
            {
                NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    // A retry after a commit whose answer was lost: the window is there, its rows gone. Published, once.
                    using (var exists = new NpgsqlCommand($"SELECT EXISTS (SELECT FROM {_windows} WHERE id = $1)", connection, transaction) { CommandTimeout = _commandTimeout })
                    {
                        exists.With(windowId);
                        if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
                        {
                            return true;
                        }
                    }

                    using (var delete = new NpgsqlCommand($"DELETE FROM {_table} WHERE position IN (SELECT position FROM {_table} WHERE position = ANY($1) AND joined_by = $2 ORDER BY position FOR UPDATE)",
                        connection,
                        transaction) { CommandTimeout = _commandTimeout })
                    {
                        long[] distinct = [.. positions.Distinct()];
                        delete.With(distinct).With(joiner);
                        int deleted = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                        if (deleted != distinct.Length || distinct.Length != positions.Count)
                        {
                            // Another term claimed some of the rows (they count in its windows): nothing of this window is kept.
                            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                            return false;
                        }
                    }

                    using (var insert = new NpgsqlCommand(
                        $"""
                        INSERT INTO {_windows} (id, model, version, variant, window_start, window_end, pairs, queue_rows, quality, published_by, term, closed_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                        """,
                        connection,
                        transaction) { CommandTimeout = _commandTimeout })
                    {
                        insert.With(windowId).With(window.ModelName.Value).With(window.ModelVersion.Number).With(window.Variant)
                            .With(window.Start.ToUniversalTime()).With(window.End.ToUniversalTime()).With(window.Count).With(positions.Count)
                            .WithJson(window.ToJson()).With(_replicaId).With(joiner).With(window.End.ToUniversalTime());
                        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return true;
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<QualityWindow>> ReadPublishedAsync(ModelName model, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await _prepare(cancellationToken).ConfigureAwait(false);
        return await PostgresConnectionLoss.RunAsync<IReadOnlyList<QualityWindow>>(
            _dataSource,
            repeatable: true,
            async connection =>
            {
                using var read = new NpgsqlCommand(
                    $"""
                    SELECT seq, quality::text FROM (
                      (SELECT seq, quality FROM {_windows} WHERE model = $1 ORDER BY seq DESC LIMIT $2)
                      UNION
                      (SELECT DISTINCT ON (version, variant) seq, quality FROM {_windows} WHERE model = $1 ORDER BY version, variant, seq DESC)
                    ) AS w
                    ORDER BY seq
                    """,
                    connection) { CommandTimeout = _commandTimeout };
                read.With(model.Value).With(limit);
                var windows = new List<QualityWindow>();
                NpgsqlDataReader reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        windows.Add(QualityWindow.FromJson(reader.GetString(1)));
                    }
                }

                return windows;
            },
            cancellationToken).ConfigureAwait(false);
    }
}
