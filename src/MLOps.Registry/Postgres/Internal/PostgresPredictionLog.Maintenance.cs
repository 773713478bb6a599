using Npgsql;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>Partition maintenance: partitions created ahead, retention by dropping whole partitions.</summary>
internal sealed partial class PostgresPredictionLog
{
    /// <summary>
    /// Creates the partitions of the current interval and of <see cref="PostgresPredictionLogOptions.PartitionsAhead"/>
    /// after it, drops the partitions that ended before now − <see cref="PostgresPredictionLogOptions.RetentionPeriod"/>
    /// and deletes the feedback of predictions made before that moment once the predictions are gone (their partition
    /// was dropped; feedback whose prediction's time is unknown goes by the time received, once its prediction is not
    /// in the log either), and the fleet's published quality windows that ended before it (each version and variant's
    /// latest stays). Safe to run on every replica at once.
    /// </summary>
    /// <returns>The names of the partitions dropped.</returns>
    public async Task<IReadOnlyList<string>> RunMaintenanceAsync(CancellationToken cancellationToken = default)
    {
        await _prepare(cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = _time.GetUtcNow();
        DateTimeOffset cutoff = now - _options.RetentionPeriod;
        long current = Partitions.SlotOf(now.UtcTicks);
        var slots = new List<long>();
        for (int i = 0; i <= _options.PartitionsAhead; i++)
        {
            slots.Add(current + (i * _options.PartitionInterval.Ticks));
        }

        // Repeatable: creating partitions that exist, dropping and deleting what is already gone change nothing.
        return await PostgresConnectionLoss.RunAsync<IReadOnlyList<string>>(
            _dataSource,
            repeatable: true,
            async connection =>
            {
                await Partitions.EnsureAsync(connection, slots, cancellationToken).ConfigureAwait(false);
                IReadOnlyList<string> dropped = await Partitions.DropExpiredAsync(connection, cutoff, cancellationToken).ConfigureAwait(false);
                foreach (string name in dropped)
                {
                    _metrics.RecordPartitionDropped();
                    Log.PredictionLogPartitionDropped(_logger, name, _schema);
                }

                // Feedback goes only once its prediction is gone too (so a resend is refused as unknown, never joined again):
                // by the prediction's time, or the time received when the prediction's time is not known.
                using var delete = new NpgsqlCommand(
                    $"DELETE FROM {_quotedSchema}.feedback f WHERE COALESCE(f.predicted_at, f.received_at) < $1 " +
                    $"AND NOT EXISTS (SELECT FROM {_quotedSchema}.predictions p WHERE p.id = f.prediction_id)",
                    connection)
                {
                    CommandTimeout = _commandTimeout,
                };
                delete.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = cutoff.UtcDateTime });
                int deleted = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                if (deleted > 0)
                {
                    Log.PredictionLogFeedbackDeleted(_logger, deleted, cutoff, _schema);
                }

                // The fleet's published quality windows are kept as long as the predictions they were computed from, except
                // each version and variant's latest (what GET quality shows as its latest closed window).
                using var windows = new NpgsqlCommand(
                    $"DELETE FROM {_quotedSchema}.quality_windows w WHERE w.window_end < $1 AND EXISTS (SELECT FROM {_quotedSchema}.quality_windows n " +
                    "WHERE n.model = w.model AND n.version = w.version AND n.variant = w.variant AND n.seq > w.seq)",
                    connection)
                {
                    CommandTimeout = _commandTimeout,
                };
                windows.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = cutoff.UtcDateTime });
                int windowsDeleted = await windows.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                if (windowsDeleted > 0)
                {
                    Log.PredictionLogQualityWindowsDeleted(_logger, windowsDeleted, cutoff, _schema);
                }

                return dropped;
            },
            cancellationToken).ConfigureAwait(false);
    }
}
