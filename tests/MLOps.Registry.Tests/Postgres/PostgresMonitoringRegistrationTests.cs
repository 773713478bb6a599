using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Registry.Postgres.Internal;

namespace MLOps.Registry.Tests.Postgres;

/// <summary>How the PostgreSQL prediction log is registered: alone or with the registry, and its options' validation.</summary>
public sealed class PostgresMonitoringRegistrationTests
{
    [Fact]
    public async Task AddPostgresMonitoring_WithoutTheRegistry_MigratesCreatesPartitionsAheadServesTheThreeContractsAndIsAFleet()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddMLOps().AddPostgresMonitoring(schema.ConnectionString);
        builder.Services.Configure<PostgresRegistryOptions>(o => o.Schema = schema.Name);
        using IHost host = builder.Build();
        await host.StartAsync();
        try
        {
            var log = host.Services.GetRequiredService<PostgresPredictionLog>();
            Assert.Same(log, host.Services.GetRequiredService<IPredictionLog>());
            Assert.Same(log, host.Services.GetRequiredService<IPredictionLogReader>());
            Assert.Same(log, host.Services.GetRequiredService<IFeedbackLog>());
            Assert.StartsWith(Environment.MachineName + "-" + Environment.ProcessId + "-", log.ReplicaId, StringComparison.Ordinal);

            // Alone mode is a fleet: the PostgreSQL leader election, heartbeat and fleet drift store, not single-process ones.
            Assert.IsType<PostgresLeaderElection>(host.Services.GetRequiredService<ILeaderElection>());
            PostgresFleetHeartbeat fleet = Assert.IsType<PostgresFleetHeartbeat>(host.Services.GetRequiredService<IFleetView>());
            Assert.Equal(fleet.ReplicaId, log.ReplicaId);
            Assert.IsType<PostgresFleetDriftStore>(host.Services.GetRequiredService<IFleetDriftStore>());
            await Eventually.HoldsAsync(() => host.Services.GetRequiredService<ILeaderElection>().IsLeader, "the lone replica leads");
            await Eventually.HoldsAsync(
                async () => (await fleet.GetReplicasAsync()) is [{ IsLeader: true } replica] && replica.ReplicaId == fleet.ReplicaId,
                "its heartbeat, as leader, in the fleet view");
            await Eventually.HoldsAsync(
                async () => (await PostgresPredictionLogTests.PartitionsAsync(schema)).Length == 1 + PostgresPredictionLogOptions.DefaultPartitionsAhead,
                "today's partition and those ahead");
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public void AddPostgresPredictionLog_AfterJsonLines_ReplacesItAndIsIdempotent()
    {
        var services = new ServiceCollection();
        services.AddMLOps()
            .AddJsonLinesPredictionLog(o => o.Directory = "unused")
            .AddPostgresMonitoring("Host=localhost")
            .AddPostgresPredictionLog()
            .AddJsonLinesPredictionLog(o => o.Directory = "unused");

        Assert.Single(services, d => d.ServiceType == typeof(IPredictionLog));
        Assert.Single(services, d => d.ServiceType == typeof(PostgresPredictionLog));
        using ServiceProvider provider = services.BuildServiceProvider();
        Assert.IsType<PostgresPredictionLog>(provider.GetRequiredService<IPredictionLog>());
    }

    [Fact]
    public async Task HostStart_InvalidPredictionLogOptions_FailsListingEveryError()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddMLOps()
            .AddPostgresMonitoring("Host=127.0.0.1;Port=1")
            .AddPostgresPredictionLog(o =>
            {
                o.PartitionInterval = TimeSpan.FromMinutes(90.5);
                o.RetentionPeriod = TimeSpan.FromMinutes(30);
                o.PartitionsAhead = 0;
            });
        using IHost host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(ex.Failures, f => f.Contains(nameof(PostgresPredictionLogOptions.PartitionInterval), StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains(nameof(PostgresPredictionLogOptions.RetentionPeriod), StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains(nameof(PostgresPredictionLogOptions.PartitionsAhead), StringComparison.Ordinal));
    }
}
