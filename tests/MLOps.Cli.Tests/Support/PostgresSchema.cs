using Npgsql;

namespace MLOps.Cli.Tests.Support;

/// <summary>
/// A uniquely named schema on the test PostgreSQL server (<c>MLOPS_TEST_POSTGRES</c>, else the server
/// <c>.ci/setup-postgres.sh</c> prepares), dropped with everything in it on dispose. An unreachable server fails the
/// test with a message saying how to provide one; it never skips.
/// </summary>
public sealed class PostgresSchema : IAsyncDisposable
{
    public const string EnvironmentVariable = "MLOPS_TEST_POSTGRES";
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Username=mlops;Password=mlops;Database=mlops_test";

    private PostgresSchema(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<PostgresSchema> CreateAsync()
    {
        string connectionString = Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value ? value : DefaultConnectionString;
        try
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 5 }.ConnectionString);
            await connection.OpenAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"The CLI's PostgreSQL tests need a PostgreSQL server ({EnvironmentVariable} or the default); run .ci/setup-postgres.sh as root to start one: {ex.Message}", ex);
        }

        return new PostgresSchema("cli_" + Guid.NewGuid().ToString("N")[..24], connectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Name}\" CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }
}
