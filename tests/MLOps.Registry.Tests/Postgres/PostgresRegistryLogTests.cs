using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using MLOps.Registry.Postgres.Internal;
using Npgsql;

namespace MLOps.Registry.Tests.Postgres;

public class PostgresRegistryLogTests
{
    [Fact]
    public async Task Mutations_LogTheSharedRegistryEvents()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        var logger = new FakeLogger();
        await using var registry = new PostgresModelRegistry(
            NpgsqlDataSource.Create(schema.ConnectionString), ownsDataSource: true, new PostgresRegistryOptions { Schema = schema.Name }, "ops", TimeProvider.System, logger);
        ModelName taxi = ModelName.Parse("taxi");

        await registry.RegisterVersionAsync(new RegisterVersionRequest(taxi, [ModelArtifact.FromBytes(new byte[] { 1 })]) { Metrics = new Dictionary<string, double> { ["r2"] = 0.5 } });
        await registry.PromoteAsync(new PromoteRequest(taxi, new ModelVersion(1), ModelAlias.Champion) { Reason = "first" });
        await Assert.ThrowsAsync<PromotionRejectedException>(() => registry.PromoteAsync(
            new PromoteRequest(taxi, new ModelVersion(1), ModelAlias.Challenger) { Gates = [new MetricThresholdGate("r2", minimum: 0.8)] }));

        IReadOnlyList<FakeLogRecord> records = logger.Collector.GetSnapshot();
        FakeLogRecord registered = Assert.Single(records, r => r.Id.Name == "ModelVersionRegistered");
        Assert.Equal(201, registered.Id.Id);
        Assert.Contains("version 1 of model 'taxi'", registered.Message, StringComparison.Ordinal);
        FakeLogRecord moved = Assert.Single(records, r => r.Id.Name == "ModelAliasMoved");
        Assert.Contains("moved from (none) to 1", moved.Message, StringComparison.Ordinal);
        Assert.Contains("by ops", moved.Message, StringComparison.Ordinal);
        Assert.Contains("first", moved.Message, StringComparison.Ordinal);
        FakeLogRecord rejected = Assert.Single(records, r => r.Id.Name == "ModelPromotionRejected");
        Assert.Equal(LogLevel.Warning, rejected.Level);
        Assert.Contains("r2", rejected.Message, StringComparison.Ordinal);
        Assert.Equal(PostgresMigration.All.Count, records.Count(r => r.Id.Id == 250));   // one per schema migration (numbers may have gaps)
    }
}
