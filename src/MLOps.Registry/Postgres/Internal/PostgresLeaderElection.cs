using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MLOps.Shared.Events;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>
/// The leader election of a fleet on PostgreSQL: a hosted loop holding one dedicated connection that competes for a
/// session-level advisory lock. A follower tries again every <see cref="PostgresFleetOptions.RetryInterval"/>
/// (jittered); the leader checks its connection every <see cref="PostgresFleetOptions.KeepAliveInterval"/>. When
/// anything fails, or the host stops, <see cref="IsLeader"/> turns <see langword="false"/> first (subscribers are told),
/// and only then is the lock released or the connection dropped; a lost connection is reopened with the registry's
/// reconnect back-off (<see cref="PostgresRegistryOptions.ReconnectDelay"/>, doubled up to 30 times, jittered).
/// </summary>
internal sealed class PostgresLeaderElection : BackgroundService, ILeaderElection
{
    private readonly Func<CancellationToken, Task<ILeaderLock>> _connect;
    private readonly TimeSpan _retryInterval;
    private readonly TimeSpan _keepAliveInterval;
    private readonly TimeSpan _reconnectDelay;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<double> _random;
    private readonly bool _enabled;
    private readonly Subscribers<bool> _subscribers;
    private readonly Lock _stateLock = new();
    private bool _isLeader;
    private long _elections;

    internal PostgresLeaderElection(
        Func<CancellationToken, Task<ILeaderLock>> connect,
        PostgresFleetOptions options,
        TimeSpan reconnectDelay,
        string lockName,
        TimeProvider time,
        ILogger logger,
        Func<double>? random = null)
    {
        _connect = connect;
        _enabled = options.LeaderElection;
        _retryInterval = options.RetryInterval;
        _keepAliveInterval = options.KeepAliveInterval;
        _reconnectDelay = reconnectDelay;
        LockName = lockName;
        _time = time;
        _logger = logger;
        _random = random ?? Random.Shared.NextDouble;
        _subscribers = new Subscribers<bool>((e, leader) => Log.LeadershipHandlerFailed(_logger, e, LockName, leader));
    }

    /// <summary>Gets the name of the lock competed for.</summary>
    public string LockName { get; }

    /// <remarks>With <see cref="PostgresFleetOptions.LeaderElection"/> off, always <see langword="true"/> (as a single process).</remarks>
    public bool IsLeader => !_enabled || Volatile.Read(ref _isLeader);

    /// <summary>Gets how many times this process became the leader.</summary>
    internal long Elections => Interlocked.Read(ref _elections);

    public IDisposable Subscribe(Action<bool> handler) => _subscribers.Subscribe(handler);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_enabled)
        {
            return;
        }

        TimeSpan backoff = _reconnectDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            ILeaderLock? connection = null;
            try
            {
                connection = await _connect(stoppingToken).ConfigureAwait(false);
                backoff = _reconnectDelay;
                while (true)
                {
                    if (Volatile.Read(ref _isLeader))
                    {
                        await connection.KeepAliveAsync(stoppingToken).ConfigureAwait(false);
                    }
                    else if (await connection.TryAcquireAsync(stoppingToken).ConfigureAwait(false))
                    {
                        SetLeader(true);
                    }

                    TimeSpan next = Volatile.Read(ref _isLeader) ? _keepAliveInterval : PostgresChangeListener.Jittered(_retryInterval, _random());
                    await Task.Delay(next, _time, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // Whatever broke, the loop steps down and competes again; it never dies.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                SetLeader(false);
                wait = PostgresChangeListener.Jittered(backoff, _random());
                backoff = PostgresChangeListener.Next(backoff, _reconnectDelay);
                Log.LeaderConnectionLost(_logger, ex, LockName, wait);
            }
            finally
            {
                await CloseAsync(connection).ConfigureAwait(false);
            }

            try
            {
                await Task.Delay(wait, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task CloseAsync(ILeaderLock? connection)
    {
        // Step down before the lock can go to anyone else: nothing in this process acts as leader once it is released.
        SetLeader(false);
        if (connection is null)
        {
            return;
        }

        try
        {
            // A network timeout, on the real clock (as Npgsql's command timeouts are).
            using var timeout = new CancellationTokenSource(_keepAliveInterval + TimeSpan.FromSeconds(5));
            await connection.ReleaseAsync(timeout.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Best effort: closing the connection ends the session, which releases the lock.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        try
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A connection that fails to close is gone anyway.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private void SetLeader(bool leader)
    {
        lock (_stateLock)
        {
            if (_isLeader == leader)
            {
                return;
            }

            Volatile.Write(ref _isLeader, leader);
            if (leader)
            {
                Interlocked.Increment(ref _elections);
                Log.BecameLeader(_logger, LockName);
            }
            else
            {
                Log.SteppedDown(_logger, LockName);
            }

            // Raised under the lock, so handlers see the transitions in order and never a stale one.
            _subscribers.Raise(leader);
        }
    }
}
