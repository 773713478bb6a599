using MLOps.Registry.Tests.Tracking;
using Npgsql;

namespace MLOps.Registry.Tests.Postgres;

/// <summary>The tracker conformance suite against a real PostgreSQL server, each test in a schema of its own.</summary>
public sealed class PostgresTrackerConformanceTests : TrackerConformanceTests
{
    private readonly List<PostgresExperimentTracker> _opened = [];
    private TestSchema? _schema;

    private TestSchema Schema => _schema ?? throw new InvalidOperationException("The schema is created with the tracker.");

    /// <summary>Opens a tracker over <paramref name="schema"/> with its own connection pool, as another process would.</summary>
    internal static PostgresExperimentTracker Open(TestSchema schema, TimeProvider time, Action<PostgresRegistryOptions>? configure = null)
    {
        // A bounded pool, as a deployment should have: tests run in parallel against one server (max_connections).
        var connection = new NpgsqlConnectionStringBuilder(schema.ConnectionString) { MaxPoolSize = 10 };
        var options = new PostgresRegistryOptions { ConnectionString = connection.ConnectionString, Schema = schema.Name };
        configure?.Invoke(options);
        return new PostgresExperimentTracker(options, time);
    }

    protected override async Task<IExperimentTracker> CreateTrackerAsync(TimeProvider time)
    {
        _schema = await PostgresTestServer.CreateSchemaAsync();
        PostgresExperimentTracker tracker = Open(_schema, time);
        await tracker.EnsureInitializedAsync();
        return tracker;
    }

    protected override async Task<IExperimentTracker> OpenSecondInstanceAsync()
    {
        PostgresExperimentTracker second = Open(Schema, Time);
        _opened.Add(second);
        await second.EnsureInitializedAsync();
        return second;
    }

    protected override Task CorruptArtifactAsync(string runId, string path, bool truncate) =>
        CorruptAsync(Schema, runId, path, truncate);

    internal static async Task CorruptAsync(TestSchema schema, string runId, string path, bool truncate)
    {
        string change = truncate
            ? "content = substring(content from 1 for length(content) / 2)"
            : "content = set_byte(content, length(content) / 2, get_byte(content, length(content) / 2) # 1)";
        await schema.ExecuteAsync(
            $"UPDATE __schema__.artifacts SET {change} WHERE key = (SELECT key FROM __schema__.run_artifacts WHERE run_id = '{runId}' AND path = '{path}')");
    }

    protected override async Task DisposeStoreAsync()
    {
        foreach (PostgresExperimentTracker tracker in _opened)
        {
            await tracker.DisposeAsync();
        }

        if (_schema is not null)
        {
            await _schema.DisposeAsync();
        }
    }
}
