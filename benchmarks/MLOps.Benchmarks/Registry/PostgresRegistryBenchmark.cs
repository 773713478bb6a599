using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using MLOps.Registry.Postgres.Internal;
using Npgsql;

namespace MLOps.Benchmarks.Registry;

/// <summary>
/// The PostgreSQL registry's common operations next to a bare <c>SELECT 1</c> round trip on the same pool: registering a
/// version (1 KB artifact, one transaction), resolving an alias (what serving replicas do on every change), and listing a
/// model with 10,000 versions. Needs the server of <c>MLOPS_TEST_POSTGRES</c> (default: the one <c>.ci/setup-postgres.sh</c>
/// prepares); works in a schema of its own, dropped at the end.
/// </summary>
[MemoryDiagnoser]
public class PostgresRegistryBenchmark
{
    private const int ListedVersions = 10_000;
    private static readonly ModelName Taxi = ModelName.Parse("taxi");
    private static readonly ModelName Big = ModelName.Parse("big");
    private static readonly ModelName Registered = ModelName.Parse("registered");
    private static readonly ModelReference Champion = ModelReference.ForAlias(Taxi, ModelAlias.Champion);
    private readonly byte[] _artifact = new byte[1024];
    private string _schema = null!;
    private NpgsqlDataSource _admin = null!;
    private PostgresModelRegistry _registry = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        string connectionString = Environment.GetEnvironmentVariable("MLOPS_TEST_POSTGRES") is { Length: > 0 } value
            ? value
            : "Host=127.0.0.1;Port=5432;Username=mlops;Password=mlops;Database=mlops_test";
        _schema = "bench_" + Guid.NewGuid().ToString("N")[..16];
        _admin = NpgsqlDataSource.Create(connectionString);
        _registry = new PostgresModelRegistry(
            NpgsqlDataSource.Create(connectionString),
            ownsDataSource: true,
            new PostgresRegistryOptions { Schema = _schema },
            "benchmark",
            TimeProvider.System,
            NullLogger.Instance);
        await _registry.EnsureInitializedAsync();

        await _registry.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes(_artifact)]));
        await _registry.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(1), ModelAlias.Champion));

        // 10,000 versions written in one statement (registering them one by one would only slow the setup down).
        RegisteredModelVersion template = await _registry.RegisterVersionAsync(new RegisterVersionRequest(Big, [ModelArtifact.FromBytes(_artifact)])
        {
            Metrics = new Dictionary<string, double> { ["r2"] = 0.9, ["rmse"] = 3.1 },
            Params = new Dictionary<string, string> { ["trees"] = "100" },
            Tags = new Dictionary<string, string> { ["team"] = "rides" },
        });
        await using NpgsqlCommand fill = _admin.CreateCommand(
            $"""
            INSERT INTO "{_schema}".model_versions (model_name, version, status, description, artifacts, primary_artifact_path, metrics, params, tags,
              signature, lineage, created_at, updated_at, created_by)
            SELECT v.model_name, g, v.status, v.description, v.artifacts, v.primary_artifact_path, v.metrics, v.params, v.tags, v.signature, v.lineage,
              v.created_at, v.updated_at, v.created_by
            FROM "{_schema}".model_versions v, generate_series(2, {ListedVersions}) g WHERE v.model_name = 'big' AND v.version = 1;
            UPDATE "{_schema}".models SET last_version = {ListedVersions} WHERE name = 'big';
            """);
        await fill.ExecuteNonQueryAsync();
        if ((await _registry.ListVersionsAsync(Big)).Count != ListedVersions || template.Version.Number != 1)
        {
            throw new InvalidOperationException("The benchmark setup did not create the expected versions.");
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _registry.DisposeAsync();
        await using (NpgsqlCommand drop = _admin.CreateCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE"))
        {
            await drop.ExecuteNonQueryAsync();
        }

        await _admin.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "SELECT 1 round trip")]
    public async Task<object?> RoundTrip()
    {
        await using NpgsqlCommand command = _admin.CreateCommand("SELECT 1");
        return await command.ExecuteScalarAsync();
    }

    [Benchmark(Description = "RegisterVersion (1 KB)")]
    public Task<RegisteredModelVersion> RegisterVersion() =>
        _registry.RegisterVersionAsync(new RegisterVersionRequest(Registered, [ModelArtifact.FromBytes(_artifact)]));

    [Benchmark(Description = "Resolve taxi@champion")]
    public Task<RegisteredModelVersion?> ResolveAlias() => _registry.ResolveAsync(Champion);

    [Benchmark(Description = "ListVersions (10k)")]
    public Task<IReadOnlyList<RegisteredModelVersion>> ListVersions() => _registry.ListVersionsAsync(Big);
}
