using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MLOps.Registry.Postgres.Internal;
using MLOps.Registry.Tests.Postgres;

namespace MLOps.Registry.Tests.Fleet;

/// <summary>Leader election, heartbeats and the fleet view in-process, against the real PostgreSQL.</summary>
public sealed class PostgresFleetTests
{
    private static IHost BuildHost(TestSchema schema, Action<PostgresFleetOptions>? configure = null)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddMLOps()
            .AddPostgresRegistry(o =>
            {
                o.ConnectionString = schema.ConnectionString;
                o.Schema = schema.Name;
            })
            .AddPostgresFleet(o =>
            {
                o.RetryInterval = TimeSpan.FromMilliseconds(200);
                o.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
                configure?.Invoke(o);
            });
        return builder.Build();
    }

    [Fact]
    public async Task HostStart_OneReplica_LeadsAndListsItselfInTheFleetView()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        using IHost host = BuildHost(schema);
        using var leaderGauge = new MetricCollector<int>(host.Services.GetRequiredService<IMeterFactory>(), MLOpsTelemetry.Name, FleetMetrics.Leader);
        using var replicasGauge = new MetricCollector<int>(host.Services.GetRequiredService<IMeterFactory>(), MLOpsTelemetry.Name, FleetMetrics.Replicas);
        await host.StartAsync();
        try
        {
            ILeaderElection leadership = host.Services.GetRequiredService<ILeaderElection>();
            IFleetView fleet = host.Services.GetRequiredService<IFleetView>();
            await Eventually.HoldsAsync(() => leadership.IsLeader, "leadership of the only replica");
            await Eventually.HoldsAsync(async () => (await fleet.GetReplicasAsync()).Any(r => r.IsLeader), "this replica listed as leader");
            FleetReplica self = Assert.Single(await fleet.GetReplicasAsync());
            Assert.Equal(fleet.ReplicaId, self.ReplicaId);
            Assert.Equal(Environment.ProcessId, self.ProcessId);
            Assert.Equal(Environment.MachineName, self.Host);
            Assert.Empty(self.Models);
            Assert.IsType<PostgresLeaderElection>(leadership);

            await Eventually.HoldsAsync(() => host.Services.GetRequiredService<PostgresFleetHeartbeat>().LiveReplicas == 1, "the heartbeat's count");
            leaderGauge.RecordObservableInstruments();
            replicasGauge.RecordObservableInstruments();
            Assert.Equal(1, leaderGauge.LastMeasurement?.Value);
            Assert.Equal(1, replicasGauge.LastMeasurement?.Value);
        }
        finally
        {
            await host.StopAsync();
        }

        // A graceful stop deletes the row at once.
        Assert.Equal(0L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.fleet_replicas"));
    }

    [Fact]
    public async Task LeaderStops_OtherReplica_TakesOver()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        using IHost first = BuildHost(schema);
        await first.StartAsync();
        ILeaderElection firstLeadership = first.Services.GetRequiredService<ILeaderElection>();
        await Eventually.HoldsAsync(() => firstLeadership.IsLeader, "the first replica leads");

        using IHost second = BuildHost(schema);
        await second.StartAsync();
        try
        {
            ILeaderElection secondLeadership = second.Services.GetRequiredService<ILeaderElection>();
            IFleetView fleet = second.Services.GetRequiredService<IFleetView>();
            await Eventually.HoldsAsync(async () => (await fleet.GetReplicasAsync()).Count == 2, "both replicas in the fleet view");
            Assert.False(secondLeadership.IsLeader);   // the lock is taken

            await first.StopAsync();
            Assert.False(firstLeadership.IsLeader);
            await Eventually.HoldsAsync(() => secondLeadership.IsLeader, "the second replica takes over");
            await Eventually.HoldsAsync(
                async () => await fleet.GetReplicasAsync() is [{ IsLeader: true } only] && only.ReplicaId == fleet.ReplicaId,
                "the fleet view shows the second replica alone, leading");
        }
        finally
        {
            await second.StopAsync();
        }
    }

    [Fact]
    public async Task FleetView_LeaderKilledWithItsFlagSet_NewLeadersHeartbeatClearsIt()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        using IHost host = BuildHost(schema, o => o.HeartbeatInterval = TimeSpan.FromSeconds(10));
        await host.StartAsync();
        try
        {
            var heartbeat = host.Services.GetRequiredService<PostgresFleetHeartbeat>();
            var election = host.Services.GetRequiredService<ILeaderElection>();
            await Eventually.HoldsAsync(() => election.IsLeader && heartbeat.Beats >= 1, "leadership and the first heartbeat");

            // A leader killed with SIGKILL: its row still says it leads, and it is seen recently (not expired yet).
            await schema.ExecuteAsync(
                """
                INSERT INTO __schema__.fleet_replicas (replica_id, host, process_id, started_at, last_seen, is_leader, models) VALUES
                  ('killed', 'h', 1, now(), now() - interval '2 seconds', true, '[]')
                """);
            await heartbeat.BeatAsync(CancellationToken.None);

            IReadOnlyList<FleetReplica> replicas = await host.Services.GetRequiredService<IFleetView>().GetReplicasAsync();
            Assert.Equal(2, replicas.Count);
            Assert.Equal(heartbeat.ReplicaId, Assert.Single(replicas, r => r.IsLeader).ReplicaId);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task FleetView_ReplicaSilentForMissedHeartbeats_ExpiresAndIsDeletedLater()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        using IHost host = BuildHost(schema, o => o.HeartbeatInterval = TimeSpan.FromSeconds(10));   // expiry: 30 s, deleted after 300 s
        await host.StartAsync();
        try
        {
            var heartbeat = host.Services.GetRequiredService<PostgresFleetHeartbeat>();
            await Eventually.HoldsAsync(() => heartbeat.Beats >= 1, "the first heartbeat (which also migrates)");
            await schema.ExecuteAsync(
                """
                INSERT INTO __schema__.fleet_replicas (replica_id, host, process_id, started_at, last_seen, is_leader, models) VALUES
                  ('recent',  'h', 1, now(), now() - interval '20 seconds', false, '[{"name":"taxi","variant":"primary","version":3}]'),
                  ('expired', 'h', 2, now(), now() - interval '40 seconds', true,  '[]'),
                  ('ancient', 'h', 3, now(), now() - interval '301 seconds', false, '[]')
                """);

            IReadOnlyList<FleetReplica> replicas = await host.Services.GetRequiredService<IFleetView>().GetReplicasAsync();
            Assert.Equal(new[] { heartbeat.ReplicaId, "recent" }.Order(StringComparer.Ordinal), replicas.Select(r => r.ReplicaId).Order(StringComparer.Ordinal));
            FleetReplica recent = replicas.Single(r => r.ReplicaId == "recent");
            FleetModel model = Assert.Single(recent.Models);
            Assert.Equal(ModelName.Parse("taxi"), model.Name);
            Assert.Equal("primary", model.Variant);
            Assert.Equal(new ModelVersion(3), model.Version);

            await heartbeat.BeatAsync(CancellationToken.None);
            Assert.Equal(
                new[] { "expired", "recent", heartbeat.ReplicaId }.Order(StringComparer.Ordinal),
                (await ReplicaIdsAsync(schema)).Order(StringComparer.Ordinal));
            Assert.Equal(2, heartbeat.LiveReplicas);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task HostStart_KeepAliveTooSlowForTheServer_FailsListingTheError()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        using IHost host = BuildHost(schema, o =>
        {
            o.KeepAliveInterval = TimeSpan.FromSeconds(12);
            o.KeepAliveTimeout = TimeSpan.FromMilliseconds(4500);
            o.MissedHeartbeats = 0;
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(error.Failures, f => f.Contains("KeepAliveInterval + KeepAliveTimeout must be at most 15 seconds", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains(nameof(PostgresFleetOptions.KeepAliveTimeout), StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains(nameof(PostgresFleetOptions.MissedHeartbeats), StringComparison.Ordinal));
    }

    [Fact]
    public void LeaderLockKey_IsTheFirst8BytesOfTheNamesSha256_BigEndian()
    {
        // SHA-256("mlops.leader") starts 4f487e98f788b158: the key every replica derives, whatever its platform (pinned, as the
        // key must never change between releases or a mixed-version fleet would elect two leaders).
        Assert.Equal(5712955322772533592L, PostgresLeaderLock.KeyOf("mlops.leader"));
        Assert.NotEqual(PostgresLeaderLock.KeyOf("a.leader"), PostgresLeaderLock.KeyOf("b.leader"));
    }

    private static async Task<List<string>> ReplicaIdsAsync(TestSchema schema)
    {
        var ids = new List<string>();
        await using var command = schema.DataSource.CreateCommand($"SELECT replica_id FROM \"{schema.Name}\".fleet_replicas");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
