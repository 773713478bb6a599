using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using MLOps.Registry.FileSystem;
using MLOps.Registry.Postgres.Internal;
using MLOps.Registry.Tests.Support;

namespace MLOps.Registry.Tests.Postgres;

/// <summary>
/// PostgreSQL-specific behaviour of the tracker: concurrency across connection pools (one pool per tracker, as separate
/// processes or replicas have), upgrade from a registry-only schema, artifact integrity and failure clean-up.
/// </summary>
public sealed class PostgresTrackerTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly List<PostgresExperimentTracker> _trackers = [];
    private TestSchema? _schema;

    private TestSchema Schema => _schema!;

    public async Task InitializeAsync() => _schema = await PostgresTestServer.CreateSchemaAsync();

    public async Task DisposeAsync()
    {
        foreach (PostgresExperimentTracker tracker in _trackers)
        {
            await tracker.DisposeAsync();
        }

        await Schema.DisposeAsync();
    }

    /// <summary>Opens <paramref name="count"/> trackers, each with its own connection pool, as separate processes would.</summary>
    private async Task<PostgresExperimentTracker[]> OpenAsync(int count, Action<PostgresRegistryOptions>? configure = null)
    {
        var trackers = new PostgresExperimentTracker[count];
        for (int i = 0; i < count; i++)
        {
            trackers[i] = PostgresTrackerConformanceTests.Open(Schema, _time, configure);
            _trackers.Add(trackers[i]);
            await trackers[i].EnsureInitializedAsync();
        }

        return trackers;
    }

    /// <summary>Runs <paramref name="work"/> once per tracker, all released at the same moment.</summary>
    private static async Task<T[]> RaceAsync<T>(PostgresExperimentTracker[] trackers, Func<PostgresExperimentTracker, int, Task<T>> work)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<T>[] tasks = [.. trackers.Select((tracker, i) => Task.Run(async () =>
        {
            await go.Task;
            return await work(tracker, i);
        }))];
        go.SetResult();
        return await Task.WhenAll(tasks);
    }

    private static async Task<ModelRegistryException?> TryAsync(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (ModelRegistryException ex)
        {
            return ex;
        }
    }

    // ---- concurrency across connections ----

    [Fact]
    public async Task LogParam_SameKeyDifferentValuesFromSixConnections_ExactlyOneWinsAndTheOthersGetParamAlreadyLogged()
    {
        PostgresExperimentTracker[] trackers = await OpenAsync(6);
        TrackedRun run = await trackers[0].StartRunAsync("taxi");

        for (int round = 0; round < 5; round++)
        {
            string key = $"lr-{round}";
            ModelRegistryException?[] outcomes = await RaceAsync(trackers, (t, i) => TryAsync(() => t.LogParamAsync(run.RunId, key, $"value-{i}")));

            int winner = Assert.Single(Enumerable.Range(0, trackers.Length), i => outcomes[i] is null);
            Assert.All(outcomes.Where(o => o is not null), o => Assert.Equal(RegistryErrorCode.ParamAlreadyLogged, o!.ErrorCode));
            Assert.Equal($"value-{winner}", (await trackers[^1].GetRunAsync(run.RunId))!.Params[key]);
        }
    }

    [Fact]
    public async Task LogParams_OverlappingBatchesInOppositeOrder_OneBatchWinsWholeWithoutDeadlock()
    {
        PostgresExperimentTracker[] trackers = await OpenAsync(2);
        TrackedRun run = await trackers[0].StartRunAsync("taxi");

        for (int round = 0; round < 10; round++)
        {
            string a = $"a{round}", b = $"b{round}";
            ModelRegistryException?[] outcomes = await RaceAsync(trackers, (t, i) => TryAsync(() => t.LogParamsAsync(
                run.RunId,
                i == 0 ? new Dictionary<string, string> { [a] = "first", [b] = "first" } : new Dictionary<string, string> { [b] = "second", [a] = "second" })));

            int winner = Assert.Single(Enumerable.Range(0, 2), i => outcomes[i] is null);
            Assert.Equal(RegistryErrorCode.ParamAlreadyLogged, outcomes[1 - winner]!.ErrorCode);
            IReadOnlyDictionary<string, string> stored = (await trackers[0].GetRunAsync(run.RunId))!.Params;
            string expected = winner == 0 ? "first" : "second";
            Assert.Equal(expected, stored[a]);
            Assert.Equal(expected, stored[b]);
        }
    }

    [Fact]
    public async Task EndRun_WhileFourConnectionsAppendMetrics_EveryAcceptedPointIsStoredAndEveryRejectionIsInvalidState()
    {
        PostgresExperimentTracker[] trackers = await OpenAsync(5);
        TrackedRun run = await trackers[0].StartRunAsync("taxi");
        int accepted = 0;
        var firstPoint = new CountdownEvent(4);

        Task<ModelRegistryException>[] appenders = [.. trackers.Skip(1).Select((tracker, t) => Task.Run(async () =>
        {
            for (long step = 0; ; step++)
            {
                ModelRegistryException? error = await TryAsync(() => tracker.LogMetricAsync(run.RunId, "loss", 1.0 / (step + 1), step));
                if (error is not null)
                {
                    return error;
                }

                Interlocked.Increment(ref accepted);
                if (step == 0)
                {
                    firstPoint.Signal();
                }
            }
        }))];
        await Task.Run(() => firstPoint.Wait());
        TrackedRun ended = await trackers[0].EndRunAsync(run.RunId);
        ModelRegistryException[] rejections = await Task.WhenAll(appenders);

        Assert.Equal(RunStatus.Finished, ended.Status);
        Assert.All(rejections, e => Assert.Equal(RegistryErrorCode.InvalidState, e.ErrorCode));
        Assert.Equal(accepted, (await trackers[0].GetMetricHistoryAsync(run.RunId, "loss")).Count);
        Assert.True(accepted >= 4);
    }

    [Fact]
    public async Task LogParams_WhileFourConnectionsAppendMetrics_EveryParamIsStoredAndAppendsGoOn()
    {
        // Appenders hold the run's row FOR KEY SHARE, which does not conflict with a parameter writer's FOR NO KEY UPDATE:
        // a steady stream of appends must not hold parameter writes off (with FOR SHARE they waited up to the command timeout).
        PostgresExperimentTracker[] trackers = await OpenAsync(5);
        TrackedRun run = await trackers[0].StartRunAsync("taxi");
        using var stop = new CancellationTokenSource();
        var firstPoint = new CountdownEvent(4);
        long appended = 0;

        Task[] appenders = [.. trackers.Skip(1).Select(tracker => Task.Run(async () =>
        {
            for (long step = 0; !stop.IsCancellationRequested; step++)
            {
                await tracker.LogMetricAsync(run.RunId, "loss", 1.0 / (step + 1), step);
                Interlocked.Increment(ref appended);
                if (step == 0)
                {
                    firstPoint.Signal();
                }
            }
        }))];
        await Task.Run(() => firstPoint.Wait());
        long before = Interlocked.Read(ref appended);
        for (int i = 0; i < 20; i++)
        {
            await trackers[0].LogParamAsync(run.RunId, $"p{i}", i.ToString(CultureInfo.InvariantCulture));
        }

        long during = Interlocked.Read(ref appended) - before;
        await stop.CancelAsync();
        await Task.WhenAll(appenders);

        Assert.Equal(20, (await trackers[0].GetRunAsync(run.RunId))!.Params.Count);
        Assert.True(during > 0, "the appenders made no progress while parameters were written");
        Assert.Equal(Interlocked.Read(ref appended), (await trackers[0].GetMetricHistoryAsync(run.RunId, "loss")).Count);
    }

    [Fact]
    public async Task EndRun_FromFourConnectionsAtOnce_ExactlyOneEndsAndTheOthersGetInvalidState()
    {
        PostgresExperimentTracker[] trackers = await OpenAsync(4);
        TrackedRun run = await trackers[0].StartRunAsync("taxi");

        ModelRegistryException?[] outcomes = await RaceAsync(trackers, (t, i) => TryAsync(() => t.EndRunAsync(run.RunId, RunStatus.Failed, $"ended by {i}")));

        int winner = Assert.Single(Enumerable.Range(0, 4), i => outcomes[i] is null);
        Assert.All(outcomes.Where(o => o is not null), o => Assert.Equal(RegistryErrorCode.InvalidState, o!.ErrorCode));
        Assert.Equal($"ended by {winner}", (await trackers[3].GetRunAsync(run.RunId))!.Error);
    }

    [Fact]
    public async Task LogArtifact_SamePathFromFourConnections_OneIsStoredAndTheLosersBlobsAreDeleted()
    {
        PostgresExperimentTracker[] trackers = await OpenAsync(4);
        TrackedRun run = await trackers[0].StartRunAsync("taxi");

        ModelRegistryException?[] outcomes = await RaceAsync(
            trackers, (t, i) => TryAsync(() => t.LogArtifactAsync(run.RunId, "model.zip", Encoding.UTF8.GetBytes($"content of {i}"))));

        int winner = Assert.Single(Enumerable.Range(0, 4), i => outcomes[i] is null);
        Assert.All(outcomes.Where(o => o is not null), o => Assert.Equal(RegistryErrorCode.AlreadyExists, o!.ErrorCode));
        Assert.Equal(Encoding.UTF8.GetBytes($"content of {winner}"), await trackers[1].ReadArtifactAsync(run.RunId, "model.zip"));
        Assert.Equal(1L, await Schema.ScalarAsync<long>($"SELECT count(*) FROM __schema__.artifacts WHERE key LIKE '_tracking/{run.RunId}/%'"));
    }

    [Fact]
    public async Task LogMetric_ManyConnectionsSameKey_LatestIsTheLastPointOfTheHistoryWhateverTheCommitOrder()
    {
        PostgresExperimentTracker[] trackers = await OpenAsync(4);
        TrackedRun run = await trackers[0].StartRunAsync("taxi");

        await RaceAsync(trackers, async (t, i) =>
        {
            for (int n = 0; n < 25; n++)
            {
                // Steps collide across connections; several points share a step and a timestamp.
                await t.LogMetricsAsync(run.RunId, [new MetricPoint("loss", (i * 100) + n, n % 7, default), new MetricPoint("acc", n, (n * 3) % 5, default)]);
            }

            return true;
        });

        TrackedRun read = (await trackers[0].GetRunAsync(run.RunId))!;
        foreach (string key in new[] { "loss", "acc" })
        {
            IReadOnlyList<MetricPoint> history = await trackers[1].GetMetricHistoryAsync(run.RunId, key);
            Assert.Equal(100, history.Count);
            Assert.Equal(history[^1].Value, read.Metrics[key]);
        }
    }

    // ---- schema migration ----

    [Fact]
    public async Task FirstUse_OnARegistryOnlySchemaAtVersion1_AddsTheTrackingTablesAndKeepsTheRegistryData()
    {
        var migrator = new PostgresSchemaMigrator(Schema.DataSource, Schema.Name, new Microsoft.Extensions.Logging.Testing.FakeLogger());
        Assert.Equal((0, 1), await migrator.MigrateAsync(targetVersion: 1));
        Assert.True(await Schema.ScalarAsync<bool>("SELECT to_regclass('__schema__.runs') IS NULL"));
        await Schema.ExecuteAsync(
            "INSERT INTO __schema__.models (name, created_at, updated_at, created_by) VALUES ('taxi', now(), now(), 'release-1')");

        PostgresExperimentTracker tracker = (await OpenAsync(1))[0];
        TrackedRun run = await tracker.StartRunAsync("taxi", "after upgrade");
        await tracker.LogParamAsync(run.RunId, "lr", "0.1");

        int[] versions = await Schema.ScalarAsync<int[]>("SELECT array_agg(version ORDER BY version) FROM __schema__.mlops_schema_version");
        Assert.Equal(PostgresMigration.All.Select(m => m.Version), versions);   // the tracker's first use applies every later migration
        Assert.Equal(
            PostgresMigration.All[1].Checksum,
            await Schema.ScalarAsync<string>("SELECT checksum FROM __schema__.mlops_schema_version WHERE version = 2"));
        await using PostgresModelRegistry registry = PostgresRegistryConformanceTests.Open(Schema);
        Assert.Equal("release-1", (await registry.GetModelAsync(ModelName.Parse("taxi")))?.CreatedBy);
        Assert.Equal("0.1", (await tracker.GetRunAsync(run.RunId))?.Params["lr"]);
    }

    [Fact]
    public async Task FirstUse_MigrationOff_OnARegistryOnlySchema_ThrowsNamingTheNeededVersionAndCreatesNothing()
    {
        await new PostgresSchemaMigrator(Schema.DataSource, Schema.Name, new Microsoft.Extensions.Logging.Testing.FakeLogger()).MigrateAsync(targetVersion: 1);
        PostgresExperimentTracker tracker = PostgresTrackerConformanceTests.Open(Schema, _time, o => o.MigrateOnStart = false);
        _trackers.Add(tracker);

        var ex = await Assert.ThrowsAsync<UnsupportedRegistrySchemaException>(() => tracker.StartRunAsync("taxi"));

        Assert.Contains("at version 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"needs version {PostgresMigration.LatestVersion}", ex.Message, StringComparison.Ordinal);
        Assert.True(await Schema.ScalarAsync<bool>("SELECT to_regclass('__schema__.runs') IS NULL"));
    }

    // ---- artifact integrity and failures ----

    [Fact]
    public async Task OpenArtifact_BlobDeletedFromTheStore_ThrowsArtifactIntegrityExceptionNamingThePath()
    {
        PostgresExperimentTracker tracker = (await OpenAsync(1))[0];
        TrackedRun run = await tracker.StartRunAsync("taxi");
        await tracker.LogArtifactAsync(run.RunId, "plots/loss.svg", "<svg/>"u8.ToArray());
        await Schema.ExecuteAsync("DELETE FROM __schema__.artifacts");

        var ex = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => tracker.OpenArtifactAsync(run.RunId, "plots/loss.svg"));

        Assert.Equal("plots/loss.svg", ex.ArtifactPath);
        Assert.Contains("missing", ex.Message, StringComparison.Ordinal);
        Assert.Contains(run.RunId, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenArtifact_RecordedHashTamperedWith_ThrowsArtifactIntegrityException()
    {
        PostgresExperimentTracker tracker = (await OpenAsync(1))[0];
        TrackedRun run = await tracker.StartRunAsync("taxi");
        await tracker.LogArtifactAsync(run.RunId, "model.zip", "weights"u8.ToArray());
        await Schema.ExecuteAsync($"UPDATE __schema__.run_artifacts SET sha256 = repeat('0', 64) WHERE run_id = '{run.RunId}'");

        var ex = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => tracker.ReadArtifactAsync(run.RunId, "model.zip"));

        Assert.Equal("model.zip", ex.ArtifactPath);
        Assert.Contains("SHA-256", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenArtifact_ExternalStoreFileTamperedWith_FailsWhileReadingNamingTheRunsPath()
    {
        using var directory = new TempDirectory();
        var store = new FileSystemArtifactStore(directory.Path);
        PostgresExperimentTracker tracker = (await OpenAsync(1, o => o.ArtifactStore = store))[0];
        TrackedRun run = await tracker.StartRunAsync("taxi");
        byte[] content = Encoding.UTF8.GetBytes(new string('w', 100_000));
        await tracker.LogArtifactAsync(run.RunId, "model.zip", content);
        string key = await Schema.ScalarAsync<string>($"SELECT key FROM __schema__.run_artifacts WHERE run_id = '{run.RunId}'");
        byte[] stored = await File.ReadAllBytesAsync(store.PathOf(key));
        stored[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(store.PathOf(key), stored);

        var ex = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => tracker.ReadArtifactAsync(run.RunId, "model.zip"));

        Assert.Equal("model.zip", ex.ArtifactPath);
        Assert.Equal(0L, await Schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.artifacts"));
        Assert.StartsWith("_tracking/" + run.RunId + "/", key, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("artifact-uploaded")]
    [InlineData("artifact-recorded")]
    public async Task LogArtifact_FailureAfterTheUpload_ListsNothingAndDeletesTheBlob(string point)
    {
        PostgresExperimentTracker tracker = (await OpenAsync(1))[0];
        TrackedRun run = await tracker.StartRunAsync("taxi");
        tracker.Fault = p =>
        {
            if (p == point)
            {
                throw new IOException("injected at " + p);
            }
        };

        await Assert.ThrowsAsync<IOException>(() => tracker.LogArtifactAsync(run.RunId, "model.zip", "weights"u8.ToArray()));
        tracker.Fault = null;

        Assert.Empty(await tracker.ListArtifactsAsync(run.RunId));
        Assert.Equal(0L, await Schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.artifacts"));
        RunArtifact retried = await tracker.LogArtifactAsync(run.RunId, "model.zip", "weights"u8.ToArray());
        Assert.Equal("weights"u8.ToArray(), await tracker.ReadArtifactAsync(run.RunId, retried.Path));
    }

    // ---- storage details ----

    [Fact]
    public async Task LogMetric_TimestampFinerThanAMicrosecond_IsStoredTruncatedToTheMicrosecond()
    {
        PostgresExperimentTracker tracker = (await OpenAsync(1))[0];
        TrackedRun run = await tracker.StartRunAsync("taxi");
        var given = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.FromHours(2)).AddTicks(1_234_567);

        await tracker.LogMetricAsync(run.RunId, "m", 1, timestamp: given);

        MetricPoint point = Assert.Single(await tracker.GetMetricHistoryAsync(run.RunId, "m"));
        Assert.Equal(given.AddTicks(-7), point.Timestamp);
        Assert.Equal(TimeSpan.Zero, point.Timestamp.Offset);
    }

    [Fact]
    public async Task SearchRuns_ManyRunsOrderedByMetric_ReadsEveryRunsDetailsInOneSnapshot()
    {
        PostgresExperimentTracker tracker = (await OpenAsync(1))[0];
        var ids = new ConcurrentDictionary<string, double>();
        for (int i = 0; i < 120; i++)
        {
            TrackedRun run = await tracker.StartRunAsync(i % 2 == 0 ? "taxi" : "churn", tags: new Dictionary<string, string> { ["i"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            await tracker.LogParamAsync(run.RunId, "i", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await tracker.LogMetricAsync(run.RunId, "r2", (i * 37 % 120) / 120.0);
            ids[run.RunId] = (i * 37 % 120) / 120.0;
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        IReadOnlyList<TrackedRun> found = await tracker.SearchRunsAsync(new RunSearchQuery { ExperimentName = "taxi", OrderByMetric = "r2", MaxResults = 50 });

        Assert.Equal(50, found.Count);
        Assert.All(found, r => Assert.Equal("taxi", r.ExperimentName));
        Assert.Equal(found.Select(r => r.Metrics["r2"]).OrderDescending(), found.Select(r => r.Metrics["r2"]));
        Assert.All(found, r => Assert.Equal(ids[r.RunId], r.Metrics["r2"]));
        Assert.All(found, r => Assert.Equal(r.Tags["i"], r.Params["i"]));
    }
}
