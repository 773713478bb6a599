using System.Globalization;
using MLOps.Monitoring.Tests.Support;
using MLOps.Registry.Tests.Fleet;
using MLOps.Registry.Tests.Postgres;
using Npgsql;

namespace MLOps.Registry.Tests.MultiProcess;

/// <summary>
/// Fleet drift across three real OS processes on the real PostgreSQL (<see cref="FleetDriftWorker"/>): each replica
/// sees a third of a drifted stream, too little to detect it alone, and the merged window detects it, with the bin
/// counts of the union; then the leader is killed with SIGKILL while a bucket waits, another leader evaluates it, and
/// no bucket is evaluated (or published) twice.
/// </summary>
public sealed class MultiProcessFleetDriftTests : IDisposable
{
    private readonly TempDirectory _signals = new();

    [Fact]
    public async Task ThreeReplicas_EachSeesAThird_MergedWindowDetectsDrift_LeaderKilled_NextLeaderEvaluatesTheRestOnce()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        var workers = new List<WorkerProcess>();
        try
        {
            for (int i = 0; i < FleetDriftSetup.Replicas; i++)
            {
                workers.Add(WorkerProcess.Start(FleetDriftWorker.Command, schema.Name, i.ToString(CultureInfo.InvariantCulture), _signals.Path));
            }

            await Eventually.HoldsAsync(() => workers.All(w => w.OutputLines.Any(l => l.StartsWith("replica ", StringComparison.Ordinal))), "three replicas started", timeoutSeconds: 180);
            await Eventually.HoldsAsync(() => workers.Count(IsLeaderNow) == 1, "one leader", timeoutSeconds: 120);

            // Round 1: every replica predicts its third early in a bucket; one fleet report merges the three windows.
            await StartRoundAsync(schema, 1);
            await Eventually.HoldsAsync(async () => await ReportsAsync(schema) == 1, "the first bucket's fleet report", timeoutSeconds: 120);
            Assert.Equal((3L, 3L, 900L, true), await ReportRowAsync(schema));
            double[] shares = await SharesAsync(schema);
            Assert.Equal(FleetDriftStream.BinCounts(900), shares.Select(s => Math.Round(s * 900)));
            await Eventually.HoldsAsync(() => workers.All(w => w.OutputLines.Count(l => l.StartsWith("own ", StringComparison.Ordinal)) == 1), "each replica's own window report", timeoutSeconds: 60);
            Assert.All(workers, w => Assert.Equal("own 300 False", w.OutputLines.Single(l => l.StartsWith("own ", StringComparison.Ordinal))));

            // Round 2: once the three windows are stored, and before their bucket completes, kill the leader.
            await StartRoundAsync(schema, 2);
            await Eventually.HoldsAsync(async () => await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.fleet_drift_windows") == 6, "round 2's windows stored", timeoutSeconds: 120);
            WorkerProcess leader = workers.Single(IsLeaderNow);
            string leaderId = ReplicaId(leader);
            bool pending = await schema.ScalarAsync<bool>(
                $"SELECT clock_timestamp() < max(bucket_end) + interval '{FleetDriftSetup.GracePeriod.TotalSeconds.ToString(CultureInfo.InvariantCulture)} seconds' FROM __schema__.fleet_drift_windows");
            leader.Kill();
            await leader.WaitForExitAsync();
            WorkerProcess[] survivors = [.. workers.Where(w => w != leader)];

            await Eventually.HoldsAsync(async () => await ReportsAsync(schema) == 2, "the second bucket evaluated after the failover", timeoutSeconds: 180);
            Assert.Equal(1, survivors.Count(IsLeaderNow));
            if (pending)
            {
                // The bucket was still in its grace period when the leader died: the new leader evaluated it.
                Assert.NotEqual(leaderId, await schema.ScalarAsync<string>("SELECT evaluated_by FROM __schema__.fleet_drift_reports ORDER BY bucket_start DESC LIMIT 1"));
            }

            // No bucket evaluated or published twice, by the database and by what the replicas' subscribers saw.
            Assert.Equal(
                await schema.ScalarAsync<long>("SELECT count(DISTINCT (model, version, bucket_start)) FROM __schema__.fleet_drift_windows"),
                await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.fleet_drift_reports"));
            string[] published = [.. workers.SelectMany(w => w.OutputLines.Where(l => l.StartsWith("fleet ", StringComparison.Ordinal)))];
            Assert.Equal(published.Length, published.Distinct().Count());
            Assert.Equal(
                published.Select(l => l.Split(' ')[1]).Distinct().Count(),
                published.Length);
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

    private async Task StartRoundAsync(TestSchema schema, int round)
    {
        await FleetDriftSetup.WaitForBucketStartAsync(schema);
        await File.WriteAllTextAsync(Path.Combine(_signals.Path, "round-" + round.ToString(CultureInfo.InvariantCulture)), "go");
    }

    private static Task<long> ReportsAsync(TestSchema schema) => schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.fleet_drift_reports");

    private static async Task<(long Windows, long Replicas, long Rows, bool Drift)> ReportRowAsync(TestSchema schema)
    {
        await using NpgsqlCommand read = schema.DataSource.CreateCommand(
            $"SELECT windows, replicas, rows, dataset_drift FROM \"{schema.Name}\".fleet_drift_reports ORDER BY bucket_start LIMIT 1");
        await using NpgsqlDataReader reader = await read.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetInt32(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetBoolean(3));
    }

    private static async Task<double[]> SharesAsync(TestSchema schema)
    {
        string json = await schema.ScalarAsync<string>(
            "SELECT (f -> 'distribution' -> 'current')::text FROM __schema__.fleet_drift_reports, jsonb_array_elements(report -> 'features') f ORDER BY bucket_start LIMIT 1");
        return System.Text.Json.JsonSerializer.Deserialize<double[]>(json)!;
    }

    private static string ReplicaId(WorkerProcess worker) => worker.OutputLines.First(l => l.StartsWith("replica ", StringComparison.Ordinal))["replica ".Length..];

    private static bool IsLeaderNow(WorkerProcess worker) =>
        worker.OutputLines.LastOrDefault(l => l.StartsWith("leader ", StringComparison.Ordinal)) is { } last && last.Split(' ')[1] == "true";
}
