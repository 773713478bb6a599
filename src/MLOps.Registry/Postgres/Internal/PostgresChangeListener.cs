using Microsoft.Extensions.Logging;
using Npgsql;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>
/// Listens for the registry's change notifications (<c>LISTEN</c> on a dedicated connection) and hands each payload to
/// the registry. When the connection is lost it reconnects with exponential back-off and jitter; after every (re)connection it
/// calls <c>onConnected</c> so the registry can tell subscribers to re-read what they may have missed. A silent
/// network failure is detected by a heartbeat query when no notification arrived for <see cref="HeartbeatInterval"/>.
/// </summary>
internal sealed class PostgresChangeListener(
    NpgsqlDataSource dataSource,
    string channel,
    TimeSpan reconnectDelay,
    TimeProvider timeProvider,
    ILogger logger,
    Action<string> onNotification,
    Action onConnected)
{
    internal static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    private readonly string _listen = "LISTEN " + PostgresSql.QuoteIdentifier(channel);
    private int _backendProcessId;
    private int _connections;

    /// <summary>Gets the server process id of the listening connection (0 when not connected); tests terminate it.</summary>
    internal int BackendProcessId => Volatile.Read(ref _backendProcessId);

    /// <summary>Gets how many times the listener has connected.</summary>
    internal int Connections => Volatile.Read(ref _connections);

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        TimeSpan delay = reconnectDelay;
        TimeSpan wait = delay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                NpgsqlConnection connection = await dataSource.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    connection.Notification += (_, e) => Deliver(e.Payload);
                    using (var listen = new NpgsqlCommand(_listen, connection))
                    {
                        await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                    }

                    Volatile.Write(ref _backendProcessId, connection.ProcessID);
                    Interlocked.Increment(ref _connections);
                    Log.ListenerConnected(logger, channel, connection.ProcessID);
                    delay = reconnectDelay;
                    onConnected();
                    while (true)
                    {
                        if (!await connection.WaitAsync(HeartbeatInterval, stoppingToken).ConfigureAwait(false))
                        {
                            using var heartbeat = new NpgsqlCommand("SELECT 1", connection) { CommandTimeout = (int)HeartbeatInterval.TotalSeconds };
                            await heartbeat.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or InvalidOperationException or OperationCanceledException)
            {
                Volatile.Write(ref _backendProcessId, 0);
                wait = Jittered(delay, Random.Shared.NextDouble());
                Log.ListenerDisconnected(logger, ex, channel, wait);
            }

            try
            {
                await Task.Delay(wait, timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            delay = Next(delay, reconnectDelay);
        }

        Volatile.Write(ref _backendProcessId, 0);
    }

    /// <summary>
    /// The wait before a reconnection attempt: uniform between half and all of the current back-off
    /// (<paramref name="unit"/> in [0, 1)), so replicas that lost the database together do not reconnect in lockstep,
    /// and never longer than the back-off itself.
    /// </summary>
    internal static TimeSpan Jittered(TimeSpan delay, double unit) => TimeSpan.FromTicks(delay.Ticks / 2 + (long)(delay.Ticks / 2 * unit));

    /// <summary>The back-off after a failed attempt: doubled, at most 30 times the configured delay.</summary>
    internal static TimeSpan Next(TimeSpan delay, TimeSpan reconnectDelay) => TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, reconnectDelay.Ticks * 30));

    private void Deliver(string payload)
    {
        try
        {
            onNotification(payload);
        }
#pragma warning disable CA1031 // One bad notification must not break the listener.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.NotificationFailed(logger, ex, channel);
        }
    }
}
