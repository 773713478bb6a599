using System.Text.Json;
using Npgsql;

namespace MLOps.Registry.Postgres.Internal;

/// <content>Change events from other processes: notifications and the poll fallback.</content>
internal sealed partial class PostgresModelRegistry
{
    /// <summary>Gets how many poll passes completed (tests wait for the baseline pass).</summary>
    internal int PollPasses => Volatile.Read(ref _pollPasses);

    /// <summary>Handles one notification payload from the listener.</summary>
    internal void OnNotification(string payload)
    {
        PostgresJson.ChangeJson change;
        try
        {
            change = PostgresJson.Deserialize<PostgresJson.ChangeJson>(payload);
        }
        catch (JsonException)
        {
            return; // not ours
        }

        if (!ModelName.TryParse(change.Name, out ModelName name))
        {
            return;
        }

        // Recorded so the poller does not report this change again; never used to drop a notification (a poll pass may
        // have read the new sequence before this notification arrived, and a baseline pass raises nothing).
        _seen.AddOrUpdate(change.Name, change.Sequence, (_, old) => Math.Max(old, change.Sequence));
        if (string.Equals(change.Instance, InstanceId, StringComparison.Ordinal))
        {
            return; // raised locally when it committed
        }

        _changes.Raise(new RegistryChange(
            change.Kind,
            name,
            change.Version is { } version ? new ModelVersion(version) : null,
            change.Alias is { } alias && ModelAlias.TryParse(alias, out ModelAlias parsed) ? parsed : null));
    }

    /// <summary>
    /// Compares every model's change sequence with what this instance has seen and raises
    /// <see cref="RegistryChangeKind.External"/> for each model that changed meanwhile (missed notifications, or
    /// notifications turned off). The first pass only records the current state.
    /// </summary>
    /// <returns>How many changed models were found.</returns>
    internal async Task<int> PollOnceAsync(CancellationToken cancellationToken)
    {
        List<(string Name, long Sequence)> models = await ReadAsync(
            async connection =>
            {
                using NpgsqlCommand command = Command(connection, "SELECT name, change_seq FROM __schema__.models");
                var rows = new List<(string, long)>();
                NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        rows.Add((reader.GetString(0), reader.GetInt64(1)));
                    }
                }

                return rows;
            },
            cancellationToken).ConfigureAwait(false);

        bool baseline = !_pollBaselined;
        _pollBaselined = true;
        Interlocked.Increment(ref _pollPasses);
        int changed = 0;
        foreach ((string model, long sequence) in models)
        {
            bool newer = false;
            _seen.AddOrUpdate(
                model,
                _ =>
                {
                    newer = true;
                    return sequence;
                },
                (_, old) =>
                {
                    newer = sequence > old;
                    return Math.Max(old, sequence);
                });
            if (newer && !baseline && ModelName.TryParse(model, out ModelName name))
            {
                changed++;
                _changes.Raise(new RegistryChange(RegistryChangeKind.External, name));
            }
        }

        return changed;
    }
}
