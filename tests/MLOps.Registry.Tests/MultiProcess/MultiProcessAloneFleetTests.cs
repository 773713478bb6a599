using System.Globalization;
using MLOps.Monitoring.Tests.Support;
using MLOps.Registry.Postgres.Internal;
using MLOps.Registry.Tests.Fleet;
using MLOps.Registry.Tests.Postgres;

namespace MLOps.Registry.Tests.MultiProcess;

/// <summary>
/// Alone mode is a real fleet: three real OS processes with <c>AddPostgresMonitoring(connectionString)</c> and no
/// PostgreSQL registry (<see cref="FleetDriftWorker"/> in mode <c>alone</c>) elect exactly one leader, appear in the fleet
/// view, merge their drift windows into one report per bucket published once, and after the leader is killed with
/// SIGKILL another takes over within the documented bound, never two at once, and evaluates the next bucket once.
/// </summary>
public sealed class MultiProcessAloneFleetTests : IDisposable
{
    private readonly TempDirectory _signals = new();

    [Fact]
    public async Task ThreeReplicasWithoutTheRegistry_OneLeader_FleetDriftOncePerBucket_LeaderKilled_FailoverWithinTheBound()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        var workers = new List<WorkerProcess>();
        try
        {
            for (int i = 0; i < FleetDriftSetup.Replicas; i++)
            {
                workers.Add(WorkerProcess.Start(
                    FleetDriftWorker.Command, schema.Name, i.ToString(CultureInfo.InvariantCulture), _signals.Path, FleetDriftWorker.AloneMode));
            }

            await Eventually.HoldsAsync(() => workers.All(w => w.OutputLines.Any(l => l.StartsWith("replica ", StringComparison.Ordinal))), "three replicas started", timeoutSeconds: 180);
            await Eventually.HoldsAsync(() => workers.Count(MultiProcessFleetTests.IsLeaderNow) == 1, "one leader", timeoutSeconds: 120);

            // The replicas migrate the schema without the registry (at their first use of it, racing the election), and
            // the heartbeats show three replicas, one of them leading.
            await Eventually.HoldsAsync(
                async () => await schema.ScalarAsync<bool>("SELECT to_regclass('__schema__.mlops_schema_version') IS NOT NULL")
                    && await schema.ScalarAsync<int>("SELECT max(version) FROM __schema__.mlops_schema_version") == PostgresMigration.LatestVersion,
                "the schema migrated to the latest version",
                timeoutSeconds: 120);
            await Eventually.HoldsAsync(
                async () => await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.fleet_replicas") == 3
                    && await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.fleet_replicas WHERE is_leader") == 1,
                "three replicas in the fleet view, one leading",
                timeoutSeconds: 120);

            // Round 1: one report merging the three windows, published by one replica only.
            await StartRoundAsync(schema, 1);
            await Eventually.HoldsAsync(async () => await ReportsAsync(schema) == 1, "the first bucket's fleet report", timeoutSeconds: 120);
            Assert.Equal(3L, await schema.ScalarAsync<long>("SELECT windows::bigint FROM __schema__.fleet_drift_reports"));
            Assert.Equal(900L, await schema.ScalarAsync<long>("SELECT rows FROM __schema__.fleet_drift_reports"));
            Assert.True(await schema.ScalarAsync<bool>("SELECT dataset_drift FROM __schema__.fleet_drift_reports"));
            await Eventually.HoldsAsync(() => Published(workers).Length == 1, "the report published once", timeoutSeconds: 60);

            // Kill the leader: a survivor takes over within the bound, never while the old one led.
            WorkerProcess leader = workers.Single(MultiProcessFleetTests.IsLeaderNow);
            long killedAt = DateTime.UtcNow.Ticks;
            leader.Kill();
            await leader.WaitForExitAsync();
            WorkerProcess[] survivors = [.. workers.Where(w => w != leader)];
            await Eventually.HoldsAsync(() => survivors.Count(MultiProcessFleetTests.IsLeaderNow) == 1, "a survivor takes over", timeoutSeconds: 120);
            long tookOverAt = MultiProcessFleetTests.Transitions(survivors.Single(MultiProcessFleetTests.IsLeaderNow)).Last(t => t.Leader).Ticks;
            Assert.True(tookOverAt > killedAt, "the new leader took over before the old one was killed");
            TimeSpan failover = TimeSpan.FromTicks(tookOverAt - killedAt);
            Assert.True(
                failover < FleetDriftSetup.RetryInterval * MultiProcessFleetTests.SafetyFactor,
                $"failover took {failover}, more than {MultiProcessFleetTests.SafetyFactor} × the documented bound ({FleetDriftSetup.RetryInterval})");
            MultiProcessFleetTests.AssertNeverTwoLeaders(workers, leader, killedAt);

            // Round 2, with the two survivors: evaluated once by the new leader.
            await StartRoundAsync(schema, 2);
            await Eventually.HoldsAsync(async () => await ReportsAsync(schema) == 2, "the second bucket's fleet report", timeoutSeconds: 180);
            Assert.Equal(600L, await schema.ScalarAsync<long>("SELECT rows FROM __schema__.fleet_drift_reports ORDER BY bucket_start DESC LIMIT 1"));
            Assert.Equal(
                await schema.ScalarAsync<long>("SELECT count(DISTINCT (model, version, bucket_start)) FROM __schema__.fleet_drift_windows"),
                await ReportsAsync(schema));
            await Eventually.HoldsAsync(() => Published(workers).Length == 2, "the second report published once", timeoutSeconds: 60);
            string[] published = Published(workers);
            Assert.Equal(published.Length, published.Select(l => l.Split(' ')[1]).Distinct().Count());
            MultiProcessFleetTests.AssertNeverTwoLeaders(workers, leader, killedAt);
        }
        finally
        {
            foreach (WorkerProcess worker in workers)
            {
                worker.Dispose();
            }
        }
    }

    public void Dispose() => _signals.Dispose();

    private static string[] Published(List<WorkerProcess> workers) =>
        [.. workers.SelectMany(w => w.OutputLines.Where(l => l.StartsWith("fleet ", StringComparison.Ordinal)))];

    private async Task StartRoundAsync(TestSchema schema, int round)
    {
        await FleetDriftSetup.WaitForBucketStartAsync(schema);
        await File.WriteAllTextAsync(Path.Combine(_signals.Path, "round-" + round.ToString(CultureInfo.InvariantCulture)), "go");
    }

    private static Task<long> ReportsAsync(TestSchema schema) => schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.fleet_drift_reports");
}
