using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>
/// The leader lock on a dedicated connection: <c>pg_try_advisory_lock(key)</c>, session level, so the lock lives exactly
/// as long as the session. The session asks the server for TCP keepalives, so a silently dead client is noticed.
/// </summary>
internal sealed class PostgresLeaderLock : ILeaderLock
{
    /// <summary>
    /// The server-side TCP keepalive of the lock session: first probe after 10 s of silence, then every 5 s, dead after
    /// 3 unanswered probes: the server ends the session (and releases the lock) about 25 s after it last heard from it.
    /// </summary>
    internal const string SessionSettings =
        "SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3";

    private readonly NpgsqlConnection _connection;
    private readonly long _key;
    private readonly int _keepAliveTimeoutSeconds;
    private bool _mayHold;

    private PostgresLeaderLock(NpgsqlConnection connection, long key, int keepAliveTimeoutSeconds)
    {
        _connection = connection;
        _key = key;
        _keepAliveTimeoutSeconds = keepAliveTimeoutSeconds;
    }

    /// <summary>Gets the server process id of the lock session; tests terminate it.</summary>
    public int BackendProcessId => _connection.ProcessID;

    /// <summary>The advisory lock key of <paramref name="lockName"/>: the first 8 bytes of its UTF-8 SHA-256, big-endian.</summary>
    public static long KeyOf(string lockName) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(lockName)));

    public static async Task<PostgresLeaderLock> OpenAsync(NpgsqlDataSource dataSource, long key, TimeSpan keepAliveTimeout, CancellationToken cancellationToken)
    {
        NpgsqlConnection connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var settings = new NpgsqlCommand(SessionSettings, connection);
            await settings.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return new PostgresLeaderLock(connection, key, (int)Math.Ceiling(keepAliveTimeout.TotalSeconds));
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<bool> TryAcquireAsync(CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", _connection) { CommandTimeout = _keepAliveTimeoutSeconds };
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = _key });
        _mayHold = true;
        bool acquired = (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        _mayHold = acquired;
        return acquired;
    }

    public async Task KeepAliveAsync(CancellationToken cancellationToken)
    {
        using var command = new NpgsqlCommand("SELECT 1", _connection) { CommandTimeout = _keepAliveTimeoutSeconds };
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        // All of this session's advisory locks: the connection goes back to the pool, and must not carry the lock there.
        using var command = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", _connection) { CommandTimeout = _keepAliveTimeoutSeconds };
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        _mayHold = false;
    }

    public ValueTask DisposeAsync()
    {
        if (_mayHold)
        {
            // The lock may still be held and the release did not happen: a pooled connection would keep it. ClearPool
            // closes this physical connection when it is returned (and the pool's idle ones), which ends the session.
            NpgsqlConnection.ClearPool(_connection);
        }

        return _connection.DisposeAsync();
    }
}
