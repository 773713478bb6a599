using Microsoft.Extensions.DependencyInjection;
using MLOps.Registry.Tests.Conformance;

namespace MLOps.Registry.Tests.Postgres;

/// <summary>The experiment-tracker metrics against a real PostgreSQL server, in a schema of its own.</summary>
public sealed class PostgresTrackingMetricsTests : TrackingMetricsTests
{
    private TestSchema? _schema;

    protected override string Backend => "postgres";

    protected override async Task AddTrackerAsync(IMLOpsBuilder builder)
    {
        _schema = await PostgresTestServer.CreateSchemaAsync();
        builder.AddPostgresTracking(o =>
        {
            o.ConnectionString = _schema.ConnectionString;
            o.Schema = _schema.Name;
        });
    }

    protected override async Task DisposeStoreAsync()
    {
        if (_schema is not null)
        {
            await _schema.DisposeAsync();
        }
    }
}
