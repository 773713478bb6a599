using System.Text.Json;
using MLOps.Registry.Postgres.Internal;
using Npgsql;

namespace MLOps;

/// <content>Change events from other processes: notifications and the poll fallback.</content>
public sealed partial class PostgresModelRegistry
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

        PublishExternal(new RegistryChange(
            change.Kind,
            name,
            change.Version is { } version ? new ModelVersion(version) : null,
            change.Alias is { } alias && ModelAlias.TryParse(alias, out ModelAlias parsed) ? parsed : null));
    }

    /// <summary>
    /// Takes the change baseline, if the change feed runs and has none yet, before a read: the baseline is then never newer
    /// than what a subscriber read, so a change committed after that read has a higher sequence and is raised by a later
    /// poll pass (or by the pass after the listener connects), however late the feed's own tasks start.
    /// </summary>
    /// <remarks>
    /// Without this, the feed's first pass, which raises nothing, could run after a change committed (a busy machine
    /// delays the feed's tasks), take that change as its baseline, and a replica that had resolved the alias before the
    /// change would never hear of it (issue 15, item 8). Costs one query, once, on the first read after subscribing.
    /// </remarks>
    private Task EnsureChangeBaselineAsync(CancellationToken cancellationToken) =>
        _pollBaselined || Volatile.Read(ref _feedStarted) == 0 || (!_listen && _pollInterval <= TimeSpan.Zero)
            ? Task.CompletedTask
            : PollOnceAsync(cancellationToken);

    /// <summary>
    /// Compares every model's change sequence with what this instance has seen and raises
    /// <see cref="RegistryChangeKind.External"/> for each model that changed meanwhile (missed notifications, or
    /// notifications turned off). The first pass only records the current state (the baseline); it runs no later than
    /// the first read after the first subscription (see <see cref="EnsureChangeBaselineAsync"/>). Passes are serialized.
    /// </summary>
    /// <returns>How many changed models were found.</returns>
    internal async Task<int> PollOnceAsync(CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        await _pollGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await PollCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pollGate.Release();
        }
    }

    private async Task<int> PollCoreAsync(CancellationToken cancellationToken)
    {
        List<(string Name, long Sequence)> models = await ReadCoreAsync(
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
                PublishExternal(new RegistryChange(RegistryChangeKind.External, name));
            }
        }

        return changed;
    }
}
