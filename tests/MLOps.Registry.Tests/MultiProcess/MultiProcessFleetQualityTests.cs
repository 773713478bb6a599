using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MLOps.Core.Tests.Support;
using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Registry.Tests.Postgres;

namespace MLOps.Registry.Tests.MultiProcess;

/// <summary>
/// Fleet mode for quality with three replicas as real OS processes (<see cref="QualityFleetWorker"/>) on the real
/// PostgreSQL, their clocks 2 minutes apart: each prediction goes to one replica and its feedback to another, at random.
/// </summary>
public sealed class MultiProcessFleetQualityTests
{
    private static readonly double[] ClockOffsetsSeconds = [-120, 0, 120];

    [Fact]
    public async Task ThreeReplicas_FeedbackAtAnotherReplica_AllJoinedOnceAndTheLeadersWindowsEqualASingleProcess()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        using var directory = new TempDirectory();
        string model = TestModels.SaveToFile(TestModels.Train(2f), Path.Combine(directory.Path, "house.zip"));
        using var fleet = await Fleet.StartAsync(schema, model);
        var random = new Random(42);
        var stream = new List<(HouseInput Input, double Actual)>();

        for (int i = 0; i < 64; i++)
        {
            int predicting = random.Next(3);
            (HouseInput input, PredictionId id, double score) = await fleet.PredictAsync(predicting, random);
            double actual = Math.Round(score + ((random.NextDouble() - 0.5) * 10), 3);
            stream.Add((input, actual));
            int other = (predicting + 1 + random.Next(2)) % 3;
            if (i % 8 == 7)
            {
                // The same feedback at the two other replicas at once: the first one wins, exactly once.
                int third = 3 - predicting - other;
                FeedbackOutcome[] outcomes = await Task.WhenAll(fleet.FeedbackAsync(other, id, actual), fleet.FeedbackAsync(third, id, actual));
                Assert.Equal([FeedbackOutcome.Joined, FeedbackOutcome.Duplicate], outcomes.Order());
            }
            else
            {
                fleet.AssertJoined(await fleet.FeedbackAsync(other, id, actual), i);
            }
        }

        Assert.Equal(FeedbackOutcome.UnknownPrediction, await fleet.FeedbackAsync(1, PredictionId.NewId(), 1));

        WorkerProcess leader = await fleet.LeaderAsync();
        await Eventually.HoldsAsync(
            async () => await fleet.ReportAsync(leader) == (64, 4),
            "the leader joined all 64 pairs (6 closed windows, 4 pairs in the open one)",
            timeoutSeconds: 120);
        Assert.Equal(64L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.feedback"));
        Assert.Equal(4L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.quality_queue"));   // the open window's pairs
        Assert.Equal(60L, await schema.ScalarAsync<long>("SELECT sum(pairs)::bigint FROM __schema__.quality_windows"));
        Assert.All(fleet.Workers.Where(w => w != leader), w => Assert.Empty(Windows(w)));
        Assert.All(fleet.Workers.Where(w => w != leader), w => Assert.DoesNotContain(w.OutputLines, l => l.StartsWith("leader true", StringComparison.Ordinal)));

        string[] expected = await SingleProcessWindowsAsync(model, stream);
        AssertSameWindows(expected, Windows(leader));

        // A follower serves the fleet's windows over HTTP, as the leader published them.
        WorkerProcess follower = fleet.Workers.First(w => w != leader);
        JsonElement report = default;
        await Eventually.HoldsAsync(
            async () => (report = await fleet.QualityAsync(follower)).GetProperty("history").GetArrayLength() == 6,
            "the follower's GET quality shows the 6 published windows",
            timeoutSeconds: 60);
        Assert.True(report.GetProperty("isFleetFollower").GetBoolean());
        Assert.Equal(0, report.GetProperty("current").GetArrayLength());
        AssertSameWindows(expected, [.. report.GetProperty("history").EnumerateArray().Select(Describe)]);
    }

    [Fact]
    public async Task ThreeReplicas_LeaderKilledMidStream_AnotherTakesOverNoPairLostAndNoneCountedTwice()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        using var directory = new TempDirectory();
        string model = TestModels.SaveToFile(TestModels.Train(2f), Path.Combine(directory.Path, "house.zip"));
        using var fleet = await Fleet.StartAsync(schema, model);
        var random = new Random(7);
        const int Total = 80;
        WorkerProcess killed = await fleet.LeaderAsync();
        var alive = new List<int> { 0, 1, 2 };

        for (int i = 0; i < Total; i++)
        {
            if (i == 45)
            {
                // Mid-window, kill -9 the leader: 45 pairs joined, so its open window holds 5 (queued, claimed by its term).
                await Eventually.HoldsAsync(async () => await fleet.ReportAsync(killed) == (45, 5), "the leader joins 45 pairs", timeoutSeconds: 120);
                killed.Kill();
                await killed.WaitForExitAsync();
                alive.Remove(fleet.Workers.IndexOf(killed));
                Assert.Equal(5L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.quality_queue WHERE joined_by IS NOT NULL"));
            }

            int predicting = alive[random.Next(alive.Count)];
            (_, PredictionId id, double score) = await fleet.PredictAsync(predicting, random);
            int other = alive[(alive.IndexOf(predicting) + 1 + random.Next(alive.Count - 1)) % alive.Count];
            fleet.AssertJoined(await fleet.FeedbackAsync(other, id, score + 1), i);
        }

        WorkerProcess next = await fleet.LeaderAsync();
        Assert.NotSame(killed, next);

        // None lost, none twice: every queued pair is either in exactly one published window (its row deleted in the
        // same transaction) or still queued and in the new leader's open window.
        long published = 0;
        long open = 0;
        await Eventually.HoldsAsync(
            async () =>
            {
                published = await schema.ScalarAsync<long>("SELECT coalesce(sum(pairs), 0)::bigint FROM __schema__.quality_windows");
                open = (await fleet.ReportAsync(next)).Open;
                return published + open == Total
                    && await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.quality_queue") == open;
            },
            "the new leader takes over the dead leader's pairs: published + open = every pair sent",
            timeoutSeconds: 120);
        Assert.Equal((long)Total, published + open);
        Assert.Equal(published, await schema.ScalarAsync<long>("SELECT coalesce(sum(queue_rows), 0)::bigint FROM __schema__.quality_windows"));
        Assert.Equal(0L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.quality_windows WHERE pairs <> " + QualityFleetWorker.WindowSize.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal(Total / QualityFleetWorker.WindowSize, published / QualityFleetWorker.WindowSize);
        long publishedByKilled = Windows(killed).Sum(w => long.Parse(w.Split(' ')[1], CultureInfo.InvariantCulture));
        long publishedByNext = Windows(next).Sum(w => long.Parse(w.Split(' ')[1], CultureInfo.InvariantCulture));
        Assert.True(publishedByKilled > 0, "the killed leader published windows before it died");
        Assert.Equal(published, publishedByKilled + publishedByNext);   // subscribers heard of each window once
        Assert.Equal((long)Total, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.feedback"));

        // The surviving follower serves every published window, the dead leader's and the new one's.
        WorkerProcess follower = fleet.Workers.Single(w => w != killed && w != next);
        long windows = await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.quality_windows");
        JsonElement report = default;
        await Eventually.HoldsAsync(
            async () => (report = await fleet.QualityAsync(follower)).GetProperty("history").GetArrayLength() == windows,
            "the follower's GET quality shows every published window",
            timeoutSeconds: 60);
        Assert.True(report.GetProperty("isFleetFollower").GetBoolean());
        Assert.Equal(published, report.GetProperty("history").EnumerateArray().Sum(w => w.GetProperty("count").GetInt64()));
    }

    /// <summary>A window of the JSON report as <see cref="QualityFleetWorker.Describe"/> writes one.</summary>
    private static string Describe(JsonElement window)
    {
        var line = new System.Text.StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"window {window.GetProperty("count").GetInt64()} {window.GetProperty("skipped").GetInt64()} {window.GetProperty("lateFeedback").GetInt64()}");
        foreach (JsonProperty metric in window.GetProperty("metrics").EnumerateObject().OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            line.Append(CultureInfo.InvariantCulture, $" {metric.Name}={metric.Value.GetDouble():R}");
        }

        return line.ToString();
    }

    private static string[] Windows(WorkerProcess worker) =>
        [.. worker.OutputLines.Where(l => l.StartsWith("window ", StringComparison.Ordinal))];

    private static void AssertSameWindows(string[] expected, string[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            string[] e = expected[i].Split(' ');
            string[] a = actual[i].Split(' ');
            Assert.Equal(e[..4], a[..4]);   // count, skipped, late
            Assert.Equal(e.Length, a.Length);
            for (int m = 4; m < e.Length; m++)
            {
                string[] em = e[m].Split('=');
                string[] am = a[m].Split('=');
                Assert.Equal(em[0], am[0]);
                Assert.Equal(double.Parse(em[1], CultureInfo.InvariantCulture), double.Parse(am[1], CultureInfo.InvariantCulture), 1e-12);
            }
        }
    }

    /// <summary>The same stream of predictions and feedback, in the same order, through one process without fleet mode.</summary>
    private static async Task<string[]> SingleProcessWindowsAsync(string model, List<(HouseInput Input, double Actual)> stream)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMLOps().AddModel<HouseInput, HousePrediction>(QualityFleetWorker.Model, m => m
            .FromFile(model, watchForChanges: false)
            .WithQualityMonitoring(q => q.Regression(o => o.Score).Window(QualityFleetWorker.WindowSize)));
        await using ServiceProvider provider = services.BuildServiceProvider();
        IHostedService[] hosted = [.. provider.GetServices<IHostedService>()];
        foreach (IHostedService service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        var windows = new List<string>();
        using IDisposable subscription = provider.GetRequiredService<IModelQualityMonitor>().Subscribe(w => windows.Add(QualityFleetWorker.Describe(w)));
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        var sink = provider.GetRequiredService<IFeedbackSink>();
        foreach ((HouseInput input, double actual) in stream)
        {
            Prediction<HousePrediction> prediction = client.Predict(input);
            Assert.Equal(FeedbackOutcome.Joined, (await sink.RecordAsync(prediction.PredictionId, GroundTruth.FromNumber(actual))).Outcome);
        }

        foreach (IHostedService service in hosted.Reverse())
        {
            await service.StopAsync(CancellationToken.None);
        }

        return [.. windows];
    }

    /// <summary>Three <see cref="QualityFleetWorker"/> processes and the commands the test sends them.</summary>
    private sealed class Fleet : IDisposable
    {
        private int _command;

        private Fleet(List<WorkerProcess> workers) => Workers = workers;

        public List<WorkerProcess> Workers { get; }

        public static async Task<Fleet> StartAsync(TestSchema schema, string model)
        {
            var fleet = new Fleet([]);
            foreach (double offset in ClockOffsetsSeconds)
            {
                fleet.Workers.Add(WorkerProcess.Start(QualityFleetWorker.Command, schema.Name, model, offset.ToString(CultureInfo.InvariantCulture)));
            }

            foreach (WorkerProcess worker in fleet.Workers)
            {
                await worker.WaitForLineAsync("replica ", timeoutSeconds: 180);
            }

            await fleet.LeaderAsync();
            return fleet;
        }

        public async Task<WorkerProcess> LeaderAsync()
        {
            WorkerProcess? leader = null;
            await Eventually.HoldsAsync(
                () => (leader = Workers.SingleOrDefault(w => !HasExited(w) && IsLeaderNow(w))) is not null,
                "one leader",
                timeoutSeconds: 120);
            return leader!;
        }

        public async Task<(HouseInput, PredictionId, double)> PredictAsync(int worker, Random random)
        {
            var input = new HouseInput { Size = 50 + (float)Math.Round(random.NextDouble() * 150, 1), Rooms = 1 + random.Next(5) };
            string n = Next();
            Workers[worker].Send(string.Create(CultureInfo.InvariantCulture, $"predict {n} {input.Size:R} {input.Rooms:R}"));
            string[] answer = (await Workers[worker].WaitForLineAsync($"predicted {n} ")).Split(' ');
            return (input, PredictionId.Parse(answer[2]), double.Parse(answer[3], CultureInfo.InvariantCulture));
        }

        public async Task<FeedbackOutcome> FeedbackAsync(int worker, PredictionId id, double actual)
        {
            string n = Next();
            Workers[worker].Send(string.Create(CultureInfo.InvariantCulture, $"feedback {n} {id} {actual:R}"));
            return Enum.Parse<FeedbackOutcome>((await Workers[worker].WaitForLineAsync($"feedback {n} ")).Split(' ')[2]);
        }

        public async Task<(long Joined, long Open)> ReportAsync(WorkerProcess worker)
        {
            string n = Next();
            worker.Send($"report {n}");
            string[] answer = (await worker.WaitForLineAsync($"report {n} ")).Split(' ');
            return (long.Parse(answer[2], CultureInfo.InvariantCulture), long.Parse(answer[3], CultureInfo.InvariantCulture));
        }

        /// <summary>GET …/models/house/quality on a replica: the JSON report a client reads.</summary>
        public async Task<JsonElement> QualityAsync(WorkerProcess worker)
        {
            string address = (await worker.WaitForLineAsync("http ")).Split(' ')[1];
            using var client = new HttpClient { BaseAddress = new Uri(address) };
            using HttpResponseMessage response = await client.GetAsync(new Uri("mlops/models/" + QualityFleetWorker.Model + "/quality", UriKind.Relative));
            Assert.True(response.IsSuccessStatusCode, $"GET quality: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            using JsonDocument document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return document.RootElement.Clone();
        }

        /// <summary>What the replicas logged (warnings and errors), for failure messages.</summary>
        public string Errors => string.Join(Environment.NewLine, Workers.Select(w => $"worker {w.Id}: {w.Error}"));

        public void AssertJoined(FeedbackOutcome outcome, int item) =>
            Assert.True(outcome == FeedbackOutcome.Joined, $"item {item}: {outcome}. {Errors}");

        public void Dispose()
        {
            foreach (WorkerProcess worker in Workers)
            {
                worker.Dispose();
            }
        }

        private string Next() => Interlocked.Increment(ref _command).ToString(CultureInfo.InvariantCulture);

        private static bool HasExited(WorkerProcess worker)
        {
            try
            {
                return System.Diagnostics.Process.GetProcessById(worker.Id).HasExited;
            }
            catch (ArgumentException)
            {
                return true;
            }
        }

        private static bool IsLeaderNow(WorkerProcess worker) =>
            worker.OutputLines.LastOrDefault(l => l.StartsWith("leader ", StringComparison.Ordinal)) is { } last
            && last.StartsWith("leader true", StringComparison.Ordinal);
    }
}
