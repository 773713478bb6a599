using Microsoft.Extensions.Logging.Abstractions;
using MLOps.Registry.Postgres.Internal;
using MLOps.Registry.Tests.Conformance;
using Npgsql;

namespace MLOps.Registry.Tests.Postgres;

/// <summary>The registry conformance suite against a real PostgreSQL server, each test in a schema of its own.</summary>
public sealed class PostgresRegistryConformanceTests : RegistryConformanceTests
{
    private TestSchema? _schema;

    private TestSchema Schema => _schema ?? throw new InvalidOperationException("The schema is created with the registry.");

    /// <summary>Creates a registry over <paramref name="schema"/> with its own connection pool, as another process would.</summary>
    internal static PostgresModelRegistry Open(TestSchema schema, Action<PostgresRegistryOptions>? configure = null)
    {
        var options = new PostgresRegistryOptions { Schema = schema.Name, PollInterval = TimeSpan.FromMilliseconds(200) };
        configure?.Invoke(options);
        // A bounded pool, as a deployment should have: tests run in parallel against one server (max_connections).
        var connection = new NpgsqlConnectionStringBuilder(schema.ConnectionString) { MaxPoolSize = 20 };
        return new PostgresModelRegistry(
            NpgsqlDataSource.Create(connection.ConnectionString), ownsDataSource: true, options, "conformance-tests", TimeProvider.System, NullLogger.Instance);
    }

    protected override async Task<IModelRegistry> CreateRegistryAsync()
    {
        _schema = await PostgresTestServer.CreateSchemaAsync();
        PostgresModelRegistry registry = Open(_schema);
        await registry.EnsureInitializedAsync();
        return registry;
    }

    protected override async Task<IModelRegistry> OpenSecondInstanceAsync()
    {
        PostgresModelRegistry second = Open(Schema);
        await second.EnsureInitializedAsync();
        return second;
    }

    protected override async Task CorruptArtifactAsync(ModelName name, ModelVersion version, string path, bool truncate)
    {
        string key = await Schema.ScalarAsync<string>(
            $"SELECT a ->> 'key' FROM __schema__.model_versions, jsonb_array_elements(artifacts) a WHERE model_name = '{name}' AND version = {version.Number} AND a ->> 'path' = '{path}'");
        string change = truncate
            ? "content = substring(content from 1 for length(content) / 2)"
            : "content = set_byte(content, length(content) / 2, get_byte(content, length(content) / 2) # 1)";
        await Schema.ExecuteAsync($"UPDATE __schema__.artifacts SET {change} WHERE key = '{key}'");
    }

    protected override async Task DisposeStoreAsync()
    {
        if (_schema is not null)
        {
            await _schema.DisposeAsync();
        }
    }
}
