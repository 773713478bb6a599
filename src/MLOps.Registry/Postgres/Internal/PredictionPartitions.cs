using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>
/// The time partitions of the <c>predictions</c> table. A partition is named after its UTC bounds,
/// <c>predictions_pYYYYMMDDHHMM_YYYYMMDDHHMM</c>, so the bounds are read back from the catalog without parsing
/// PostgreSQL's partition expressions, and partitions made under another interval keep working (a new partition is
/// clipped to its neighbours, never overlapping them). Partitions are created and dropped under a transaction-level
/// advisory lock, so replicas never race on the DDL, and with a short <c>lock_timeout</c>, so the DDL never holds the
/// writers up for long behind a long read (a pass that cannot get its lock fails and is tried again).
/// </summary>
internal sealed class PredictionPartitions
{
    internal const string Prefix = "predictions_p";
    private const string NameFormat = "yyyyMMddHHmm";
    private const string LockTimeout = "5s";

    private readonly string _schema;
    private readonly string _quotedSchema;
    private readonly long _intervalTicks;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private (long From, long To)[] _known = [];

    public PredictionPartitions(string schema, TimeSpan interval, ILogger logger)
    {
        _schema = schema;
        _quotedSchema = PostgresSql.QuoteIdentifier(schema);
        _intervalTicks = interval.Ticks;
        _logger = logger;
    }

    /// <summary>Gets the partitions this process knows to exist, as (from, to) UTC ticks, ordered.</summary>
    internal IReadOnlyList<(long From, long To)> Known => Volatile.Read(ref _known);

    public static string NameOf(long fromTicks, long toTicks) =>
        Prefix + Format(fromTicks) + "_" + Format(toTicks);

    public static bool TryParse(string name, out long fromTicks, out long toTicks)
    {
        fromTicks = toTicks = 0;
        if (!name.StartsWith(Prefix, StringComparison.Ordinal) || name.Length != Prefix.Length + (2 * NameFormat.Length) + 1
            || name[Prefix.Length + NameFormat.Length] != '_')
        {
            return false;
        }

        if (!DateTime.TryParseExact(name.AsSpan(Prefix.Length, NameFormat.Length), NameFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime from)
            || !DateTime.TryParseExact(name.AsSpan(Prefix.Length + NameFormat.Length + 1), NameFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime to)
            || to <= from)
        {
            return false;
        }

        fromTicks = from.Ticks;
        toTicks = to.Ticks;
        return true;
    }

    /// <summary>Gets the start (UTC ticks) of the interval-aligned slot holding <paramref name="utcTicks"/>.</summary>
    public long SlotOf(long utcTicks)
    {
        long sinceEpoch = utcTicks - DateTime.UnixEpoch.Ticks;
        long slot = sinceEpoch >= 0 ? sinceEpoch / _intervalTicks : ((sinceEpoch + 1) / _intervalTicks) - 1;
        return DateTime.UnixEpoch.Ticks + (slot * _intervalTicks);
    }

    /// <summary>Whether a partition this process knows of holds <paramref name="utcTicks"/>.</summary>
    public bool IsCovered(long utcTicks)
    {
        (long From, long To)[] known = Volatile.Read(ref _known);
        int low = 0, high = known.Length - 1;
        while (low <= high)
        {
            int middle = (low + high) >>> 1;
            if (utcTicks < known[middle].From)
            {
                high = middle - 1;
            }
            else if (utcTicks >= known[middle].To)
            {
                low = middle + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Forgets what this process knows (another replica may have dropped a partition); the next write re-reads the catalog.</summary>
    public void Invalidate() => Volatile.Write(ref _known, []);

    /// <summary>
    /// Makes sure partitions hold every instant of <paramref name="slots"/> (slot starts, see <see cref="SlotOf"/>):
    /// re-reads the catalog under the lock and creates the missing ones in one transaction.
    /// </summary>
    public async Task EnsureAsync(NpgsqlConnection connection, IReadOnlyCollection<long> slots, CancellationToken cancellationToken)
    {
        NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            await LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            List<(long From, long To)> known = await ReadAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            var created = new List<string>();
            foreach (long slot in slots.Order())
            {
                // Fill the gaps of [slot, slot + interval) between existing partitions (made under another interval,
                // they may cover part of it), so no new partition overlaps an old one.
                var gaps = new List<(long From, long To)>();
                long cursor = slot, end = slot + _intervalTicks;
                foreach ((long From, long To) existing in known)
                {
                    if (existing.To <= cursor)
                    {
                        continue;
                    }

                    if (existing.From >= end)
                    {
                        break;
                    }

                    if (existing.From > cursor)
                    {
                        gaps.Add((cursor, existing.From));
                    }

                    cursor = Math.Max(cursor, existing.To);
                }

                if (cursor < end)
                {
                    gaps.Add((cursor, end));
                }

                foreach ((long from, long to) in gaps)
                {
                    string name = NameOf(from, to);
                    using (var create = new NpgsqlCommand(
                        $"CREATE TABLE IF NOT EXISTS {_quotedSchema}.{PostgresSql.QuoteIdentifier(name)} PARTITION OF {_quotedSchema}.predictions " +
                        $"FOR VALUES FROM ('{Literal(from)}') TO ('{Literal(to)}')",
                        connection,
                        transaction))
                    {
                        await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    known.Add((from, to));
                    created.Add(name);
                }

                known.Sort();
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            Publish(known);
            foreach (string name in created)
            {
                Log.PredictionLogPartitionCreated(_logger, name, _schema);
            }
        }
    }

    /// <summary>Drops the partitions that end at or before <paramref name="cutoff"/>; returns their names.</summary>
    public async Task<IReadOnlyList<string>> DropExpiredAsync(NpgsqlConnection connection, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var dropped = new List<string>();
        NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            await LockAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            List<(long From, long To)> known = await ReadAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            foreach ((long From, long To) partition in known.ToArray())
            {
                if (partition.To > cutoff.UtcTicks)
                {
                    continue;
                }

                string name = NameOf(partition.From, partition.To);
                using (var drop = new NpgsqlCommand($"DROP TABLE IF EXISTS {_quotedSchema}.{PostgresSql.QuoteIdentifier(name)}", connection, transaction))
                {
                    await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                known.Remove(partition);
                dropped.Add(name);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            Publish(known);
        }

        return dropped;
    }

    private static string Format(long ticks) => new DateTime(ticks, DateTimeKind.Utc).ToString(NameFormat, CultureInfo.InvariantCulture);

    private static string Literal(long ticks) => new DateTime(ticks, DateTimeKind.Utc).ToString("yyyy-MM-dd HH:mm:ss'+00'", CultureInfo.InvariantCulture);

    private void Publish(List<(long From, long To)> known)
    {
        lock (_gate)
        {
            Volatile.Write(ref _known, [.. known.Order()]);
        }
    }

    private async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(
            $"SELECT set_config('lock_timeout', '{LockTimeout}', true), pg_advisory_xact_lock($1, hashtext($2))", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = PostgresSchemaMigrator.AdvisoryLockClassId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _schema + ".predictions" });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<(long From, long To)>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass($1)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _quotedSchema + ".predictions" });
        var known = new List<(long From, long To)>();
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (TryParse(reader.GetString(0), out long from, out long to))
                {
                    known.Add((from, to));
                }
            }
        }

        known.Sort();
        return known;
    }
}
