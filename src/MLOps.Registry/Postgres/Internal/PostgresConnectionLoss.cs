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

    /// <summary>
    /// Runs <paramref name="work"/> on a pooled connection. A lost connection (<see cref="IsConnectionLost"/>) always
    /// clears the pool; when the work is <paramref name="repeatable"/> (a read, or a write whose repetition changes
    /// nothing: an idempotent delete, an insert that skips what is there) it then runs once more on a fresh connection,
    /// so the first call after a PostgreSQL restart does not fail on a connection from before it. Any other failure, a
    /// second loss, or a loss in work that is not repeatable is thrown to the caller.
    /// </summary>
    /// <typeparam name="T">The work's result.</typeparam>
    /// <param name="dataSource">The pool.</param>
    /// <param name="repeatable">Whether the work may run a second time after a lost connection.</param>
    /// <param name="work">The work, given an open connection it must not dispose.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The work's result.</returns>
    public static async Task<T> RunAsync<T>(NpgsqlDataSource dataSource, bool repeatable, Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                NpgsqlConnection connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    return await work(connection).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (Forget(dataSource, ex) && repeatable && attempt == 0 && !cancellationToken.IsCancellationRequested)
            {
                // The pool is cleared: the second attempt opens a fresh connection.
            }
        }
    }

    /// <inheritdoc cref="RunAsync{T}(NpgsqlDataSource, bool, Func{NpgsqlConnection, Task{T}}, CancellationToken)"/>
    public static Task RunAsync(NpgsqlDataSource dataSource, bool repeatable, Func<NpgsqlConnection, Task> work, CancellationToken cancellationToken) =>
        RunAsync<bool>(
            dataSource,
            repeatable,
            async connection =>
            {
                await work(connection).ConfigureAwait(false);
                return true;
            },
            cancellationToken);

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
