using Microsoft.Extensions.DependencyInjection;
using MLOps.Registry.Tests.Conformance;

namespace MLOps.Registry.Tests.Postgres;

/// <summary>The registry metrics against a real PostgreSQL server, in a schema of its own.</summary>
public sealed class PostgresRegistryMetricsTests : RegistryMetricsTests
{
    private TestSchema? _schema;

    protected override string Backend => "postgres";

    private TestSchema Schema => _schema ?? throw new InvalidOperationException("The schema is created with the registry.");

    protected override async Task AddRegistryAsync(IMLOpsBuilder builder)
    {
        _schema = await PostgresTestServer.CreateSchemaAsync();
        builder.AddPostgresRegistry(o =>
        {
            o.ConnectionString = _schema.ConnectionString;
            o.Schema = _schema.Name;
            o.PollInterval = TimeSpan.FromMilliseconds(200);
        });
    }

    protected override async Task<IModelRegistry> OpenSecondInstanceAsync()
    {
        var second = PostgresRegistryConformanceTests.Open(Schema);
        await second.EnsureInitializedAsync();
        return second;
    }

    protected override async Task DisposeStoreAsync()
    {
        if (_schema is not null)
        {
            await _schema.DisposeAsync();
        }
    }
}
