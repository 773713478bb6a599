using System.Net.Sockets;
using Npgsql;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>
/// What a PostgreSQL restart leaves behind: Npgsql keeps the idle connections of its pool after the server that held
/// them went away, and hands each one out once more, to fail on its first command ("terminating connection due to
/// administrator command", or a closed socket). The first failure of that kind seen by any component clears the
/// shared pool, so the rest of the process opens fresh connections instead of failing once per stale one.
/// </summary>
internal static class PostgresConnectionLoss
{
    /// <summary>Whether <paramref name="ex"/> says the connection itself is gone (the server shut down or the socket broke), not that a command failed.</summary>
    public static bool IsConnectionLost(Exception ex) => ex switch
    {
        PostgresException p => p.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
            || p.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException n => n.InnerException is IOException or SocketException or EndOfStreamException
            || (n.InnerException is not null and not TimeoutException && IsConnectionLost(n.InnerException)),
        IOException or SocketException or EndOfStreamException => true,
        _ => false,
    };

    /// <summary>Clears the idle connections of <paramref name="dataSource"/> when <paramref name="ex"/> is a lost connection; returns whether it was.</summary>
    public static bool Forget(NpgsqlDataSource dataSource, Exception ex)
    {
        if (!IsConnectionLost(ex))
        {
            return false;
        }

        dataSource.Clear();
        return true;
    }
}
