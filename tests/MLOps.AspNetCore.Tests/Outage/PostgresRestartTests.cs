using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using MLOps.Monitoring.Drift;
using Xunit.Abstractions;

namespace MLOps.AspNetCore.Tests.Outage;

/// <summary>
/// Issue 12's outage: PostgreSQL (a real server process of the test's own) restarted, or stopped for a few seconds and
/// started again, while several clients send predictions over HTTP to a replica with everything a real one has
/// (<see cref="OutageReplica"/>). Predictions never fail; the prediction log drains after the restart and every
/// prediction is stored or counted as lost; leadership, heartbeats and the change listener come back by themselves;
/// feedback during the outage is a 503 with Retry-After and is accepted when sent again; fleet drift windows are
/// published or counted.
/// </summary>
public sealed class PostgresRestartTests(ITestOutputHelper output)
{
    private const int Clients = 4;

    [Theory]
    [InlineData(false)]   // pg_ctl restart -m fast
    [InlineData(true)]    // pg_ctl stop -m fast, a few seconds down, pg_ctl start
    public async Task PostgresRestart_DuringTraffic_NoPredictionFailsAndEverythingRecovers(bool stopAndStart)
    {
        await using OutageReplica replica = await OutageReplica.StartAsync();
        IServiceProvider services = replica.App.Services;
        IMeterFactory meters = services.GetRequiredService<IMeterFactory>();
        using var abandoned = new MetricCollector<long>(meters, MLOpsTelemetry.Name, "mlops.prediction_log.abandoned");
        using var dropped = new MetricCollector<long>(meters, MLOpsTelemetry.Name, "mlops.prediction_log.dropped");
        using var driftWindows = new MetricCollector<long>(meters, MLOpsTelemetry.Name, DriftTelemetry.Instruments.FleetWindows);
        ILeaderElection leader = services.GetRequiredService<ILeaderElection>();
        IFleetView fleet = services.GetRequiredService<IFleetView>();
        await Eventually.HoldsAsync(() => leader.IsLeader, "the only replica becomes leader", 60);

        var made = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        int next = 0;
        Task[] traffic = [.. Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                (string? id, int version, string? failure) = await replica.PredictAsync(Interlocked.Increment(ref next));
                if (failure is not null)
                {
                    failures.Enqueue(failure);
                }
                else
                {
                    made[id!] = version;
                }

                await Task.Delay(5);
            }
        }))];

        try
        {
            await Eventually.HoldsAsync(() => made.Count >= 300, "300 predictions before the outage", 120);
            string? earlyId = made.Keys.First();
            int beforeOutage = made.Count;
            if (stopAndStart)
            {
                await replica.Postgres.StopAsync();

                // Feedback while the database is down: the fleet's feedback store cannot claim it, so 503 + Retry-After.
                using HttpResponseMessage refused = await SendFeedbackAsync(replica, earlyId);
                string body = await refused.Content.ReadAsStringAsync();
                Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)refused.StatusCode}: {body}");
                Assert.NotNull(refused.Headers.RetryAfter);
                Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);

                // Stay down while the traffic goes on (an outage of some seconds, not a timing assertion).
                int atStop = made.Count;
                await Eventually.HoldsAsync(() => made.Count >= atStop + 200, "200 predictions while PostgreSQL is down", 120);
                Assert.Equal(503, (int)(await replica.Client.GetAsync("/mlops/fleet")).StatusCode);
                await replica.Postgres.StartServerAsync();
            }
            else
            {
                await replica.Postgres.RestartAsync();
            }

            DateTimeOffset restarted = DateTimeOffset.UtcNow;
            int atRestart = made.Count;
            output.WriteLine($"{beforeOutage} predictions before the outage, {atRestart} when PostgreSQL was back");

            // Traffic after the restart: the first batch written retries the held one, then the queue drains.
            await Eventually.HoldsAsync(() => made.Count >= atRestart + 300, "300 predictions after the restart", 120);
            await stop.CancelAsync();
            await Task.WhenAll(traffic);

            // 1. No prediction failed.
            Assert.True(failures.IsEmpty, $"{failures.Count} predictions failed, first: {failures.FirstOrDefault()}");

            // 2. Every prediction is stored, or counted as lost: exactly.
            long stored = 0, lost = 0;
            await Eventually.HoldsAsync(
                async () =>
                {
                    stored = await replica.CountAsync("SELECT count(DISTINCT id) FROM __schema__.predictions");
                    lost = abandoned.GetMeasurementSnapshot().EvaluateAsCounter() + dropped.GetMeasurementSnapshot().EvaluateAsCounter();
                    return stored + lost == made.Count;
                },
                $"stored + abandoned + dropped == {made.Count} predictions made",
                (int)OutageReplica.RecoveryBound.TotalSeconds);
            output.WriteLine($"{made.Count} predictions: {stored} stored, {lost} counted as lost");
            long storedAfterRestart = await replica.CountAsync(
                $"SELECT count(*) FROM __schema__.predictions WHERE predicted_at >= '{restarted:O}'");
            Assert.True(storedAfterRestart > 0, "writes resumed after the restart");

            // 3. Leadership and the heartbeat/fleet view come back.
            await Eventually.HoldsAsync(() => leader.IsLeader, "leader again", (int)OutageReplica.RecoveryBound.TotalSeconds);
            await Eventually.HoldsAsync(
                async () => (await fleet.GetReplicasAsync()).Any(r => r.ReplicaId == fleet.ReplicaId && r.IsLeader && r.LastSeenAt > restarted),
                "a heartbeat after the restart, as leader, in the fleet view",
                (int)OutageReplica.RecoveryBound.TotalSeconds);
            using (HttpResponseMessage fleetView = await replica.Client.GetAsync("/mlops/fleet"))
            {
                Assert.Equal(HttpStatusCode.OK, fleetView.StatusCode);
                JsonElement view = await fleetView.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal(fleet.ReplicaId, view.GetProperty("leader").GetString());
            }

            // 4. The feedback refused during the outage is accepted now (the stop variant sent it; the restart one sends it now).
            using (HttpResponseMessage accepted = await SendFeedbackAsync(replica, earlyId))
            {
                string body = await accepted.Content.ReadAsStringAsync();
                Assert.True(accepted.StatusCode == HttpStatusCode.OK, $"{(int)accepted.StatusCode}: {body}");
                Assert.Equal("joined", JsonDocument.Parse(body).RootElement.GetProperty("outcome").GetString());
            }

            // 5. Fleet drift: every window this replica closed was published, or dropped and counted; none vanished.
            IDriftMonitor drift = services.GetRequiredService<IDriftMonitor>();
            int closed = 0;
            await Eventually.HoldsAsync(
                () =>
                {
                    closed = drift.GetReplicaReports(ModelName.Parse("house")).Count;
                    var outcomes = driftWindows.GetMeasurementSnapshot();
                    long published = outcomes.Where(m => Outcome(m) == "published").Sum(m => m.Value);
                    long droppedWindows = outcomes.Where(m => Outcome(m) == "dropped").Sum(m => m.Value);
                    return closed > 0 && published + droppedWindows == closed;
                },
                "every closed drift window published or counted as dropped",
                (int)OutageReplica.RecoveryBound.TotalSeconds);
            output.WriteLine($"{closed} drift windows; failed publications retried: {driftWindows.GetMeasurementSnapshot().Where(m => Outcome(m) == "failed").Sum(m => m.Value)}");

            // 6. The change listener reconnected: a promotion by another client after the restart reaches the replica.
            await replica.Operator.PromoteAsync(new PromoteRequest(ModelName.Parse("house"), new ModelVersion(2), ModelAlias.Champion) { Reason = "after the outage" });
            await Eventually.HoldsAsync(
                async () => (await replica.PredictAsync(0)).Version == 2,
                "the replica serves version 2, told by the reconnected listener",
                (int)OutageReplica.RecoveryBound.TotalSeconds);
        }
        catch (Exception) when (Log(replica))
        {
            throw;
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(traffic);
        }
    }

    private static string? Outcome(CollectedMeasurement<long> m) => m.Tags.TryGetValue(MLOpsTelemetry.Tags.Outcome, out object? o) ? o as string : null;

    private static Task<HttpResponseMessage> SendFeedbackAsync(OutageReplica replica, string id) =>
        replica.Client.PostAsJsonAsync($"/mlops/predictions/{id}/feedback", new { actual = 500.0 });

    /// <summary>Writes the server's log to the test output on a failure (an exception filter: the failure is not caught).</summary>
    private bool Log(OutageReplica replica)
    {
        output.WriteLine("PostgreSQL log:\n" + replica.Postgres.ReadLog());
        return false;
    }
}
