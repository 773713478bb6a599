using Npgsql;

namespace MLOps.Registry.Tests.Postgres;

/// <summary>
/// The PostgreSQL server the tests run against: <c>MLOPS_TEST_POSTGRES</c>, or the server <c>.ci/setup-postgres.sh</c>
/// prepares. An unreachable server fails the tests with a message saying how to provide one; it never skips them.
/// </summary>
public static class PostgresTestServer
{
    public const string EnvironmentVariable = "MLOPS_TEST_POSTGRES";
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Username=mlops;Password=mlops;Database=mlops_test";

    private static readonly Lazy<Task> Reachable = new(CheckReachableAsync);

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value ? value : DefaultConnectionString;

    /// <summary>Creates a schema with a unique name, dropped (with everything in it) when the result is disposed.</summary>
    public static async Task<TestSchema> CreateSchemaAsync()
    {
        await Reachable.Value;
        string name = "t_" + Guid.NewGuid().ToString("N")[..24];
        return new TestSchema(name, ConnectionString);
    }

    /// <summary>A data source on the test server that is not tied to a schema (the caller disposes it).</summary>
    public static async Task<NpgsqlDataSource> CreateDataSourceAsync()
    {
        await Reachable.Value;
        return NpgsqlDataSource.Create(ConnectionString);
    }

    private static async Task CheckReachableAsync()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Timeout = 5 };
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            builder.Password = builder.Password is null ? null : "***";
            throw new InvalidOperationException(
                $"The PostgreSQL registry tests need a PostgreSQL server and could not reach '{builder.ConnectionString}' " +
                $"({(Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } ? EnvironmentVariable : "the default; set " + EnvironmentVariable + " to use another")}): " +
                $"{ex.Message}. Run .ci/setup-postgres.sh as root to start a local server with the expected role and database.",
                ex);
        }
    }
}
