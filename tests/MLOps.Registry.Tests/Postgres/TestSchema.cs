using Npgsql;

namespace MLOps.Registry.Tests.Postgres;

/// <summary>A uniquely named schema on the test server, so tests isolate themselves; dropped on dispose.</summary>
public sealed class TestSchema : IAsyncDisposable
{
    internal TestSchema(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    public string Name { get; }

    public string ConnectionString { get; }

    /// <summary>A data source on the test database (not bound to the schema: SQL names the schema).</summary>
    public NpgsqlDataSource DataSource { get; }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using NpgsqlCommand command = DataSource.CreateCommand(sql.Replace("__schema__", $"\"{Name}\"", StringComparison.Ordinal));
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using NpgsqlCommand command = DataSource.CreateCommand(sql.Replace("__schema__", $"\"{Name}\"", StringComparison.Ordinal));
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ExecuteAsync("DROP SCHEMA IF EXISTS __schema__ CASCADE");
        }
        finally
        {
            await DataSource.DisposeAsync();
        }
    }
}
