using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using MLOps.Registry.Internal;
using MLOps.Registry.Tests.Support;

namespace MLOps.Registry.Tests.Tracking;

/// <summary>What only the file-system tracker has: its layout, crash leftovers, lock files, DI registration.</summary>
public sealed class FileSystemTrackerTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private FileSystemExperimentTracker NewTracker(TimeSpan? lockTimeout = null, ILoggerFactory? loggerFactory = null) =>
        new(new FileSystemTrackingOptions { RootPath = _directory.Path, LockTimeout = lockTimeout ?? FileSystemTrackingOptions.DefaultLockTimeout }, null, loggerFactory);

    [Fact]
    public async Task Layout_IsHumanReadableJsonUnderTheTrackingSubdirectory()
    {
        FileSystemExperimentTracker tracker = NewTracker();
        TrackedRun run = await tracker.StartRunAsync("taxi", "baseline");
        await tracker.LogParamAsync(run.RunId, "lr", "0.1");
        await tracker.LogMetricAsync(run.RunId, "train/loss", 0.25, step: 7);
        await tracker.LogArtifactAsync(run.RunId, "model/model.zip", "zip"u8.ToArray());

        string root = Path.Combine(_directory.Path, "tracking");
        Assert.Equal(root, tracker.TrackingPath);
        string runJson = await File.ReadAllTextAsync(Path.Combine(root, "runs", run.RunId, "run.json"));
        using JsonDocument document = JsonDocument.Parse(runJson);
        Assert.Equal("taxi", document.RootElement.GetProperty("experimentName").GetString());
        Assert.Equal("Running", document.RootElement.GetProperty("status").GetString());
        Assert.Equal("0.1", document.RootElement.GetProperty("params").GetProperty("lr").GetString());
        Assert.Contains('\n', runJson);
        Assert.True(File.Exists(Path.Combine(root, "experiments", "taxi.json")));
        string metricLine = (await File.ReadAllLinesAsync(Path.Combine(root, "runs", run.RunId, "metrics", "train%2Floss.jsonl"))).Single();
        Assert.StartsWith("{\"key\":\"train/loss\",\"value\":0.25,\"step\":7,", metricLine, StringComparison.Ordinal);
        Assert.Equal("zip", await File.ReadAllTextAsync(Path.Combine(root, "runs", run.RunId, "artifacts", "model", "model.zip")));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(_directory.Path), e => Path.GetFileName(e) != "tracking");
    }

    [Fact]
    public async Task TornLastMetricLine_IsIgnoredOnReadAndCutOffByTheNextAppend()
    {
        var logger = new FakeLogger();
        FileSystemExperimentTracker tracker = NewTracker(loggerFactory: new SingleLoggerFactory(logger));
        TrackedRun run = await tracker.StartRunAsync("taxi");
        await tracker.LogMetricAsync(run.RunId, "loss", 1.0, step: 0);
        await tracker.LogMetricAsync(run.RunId, "loss", 0.5, step: 1);
        string file = tracker.MetricFile(run.RunId, "loss");
        await File.AppendAllTextAsync(file, "{\"key\":\"loss\",\"value\":0.1,\"st"); // a writer killed mid-line

        IReadOnlyList<MetricPoint> afterCrash = await tracker.GetMetricHistoryAsync(run.RunId, "loss");
        Assert.Equal([1.0, 0.5], afterCrash.Select(p => p.Value));
        Assert.Equal(0.5, (await tracker.GetRunAsync(run.RunId))?.Metrics["loss"]);

        await tracker.LogMetricAsync(run.RunId, "loss", 0.25, step: 2);

        Assert.Equal([1.0, 0.5, 0.25], (await tracker.GetMetricHistoryAsync(run.RunId, "loss")).Select(p => p.Value));
        string[] lines = await File.ReadAllLinesAsync(file);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => JsonDocument.Parse(l).Dispose());
        Assert.DoesNotContain(logger.Collector.GetSnapshot(), r => r.Level >= LogLevel.Warning); // a torn tail is expected after a crash, not corruption
    }

    [Fact]
    public async Task CorruptMiddleMetricLine_FailsTheReadWithCorruptDataNamingTheFileAndLine()
    {
        // One policy with the registry: a record that cannot be checked fails the call instead of being left out silently.
        FileSystemExperimentTracker tracker = NewTracker();
        TrackedRun run = await tracker.StartRunAsync("taxi");
        await tracker.LogMetricAsync(run.RunId, "loss", 1.0, step: 0);
        await File.AppendAllTextAsync(tracker.MetricFile(run.RunId, "loss"), "garbage\n");
        await tracker.LogMetricAsync(run.RunId, "loss", 0.5, step: 1);

        var history = await Assert.ThrowsAsync<ModelRegistryException>(() => tracker.GetMetricHistoryAsync(run.RunId, "loss"));
        var get = await Assert.ThrowsAsync<ModelRegistryException>(() => tracker.GetRunAsync(run.RunId));

        Assert.Equal(RegistryErrorCode.CorruptData, history.ErrorCode);
        Assert.Contains(tracker.MetricFile(run.RunId, "loss"), history.Message, StringComparison.Ordinal);
        Assert.Contains("line 2", history.Message, StringComparison.Ordinal);
        Assert.Equal(RegistryErrorCode.CorruptData, get.ErrorCode);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("{\"key\":\"other\",\"value\":1,\"step\":0,\"timestamp\":\"2026-01-01T00:00:00Z\"}")]
    [InlineData("{\"key\":null,\"value\":1,\"step\":0,\"timestamp\":\"2026-01-01T00:00:00Z\"}")]
    [InlineData("{\"key\":\"loss\",\"value\":\"NaN\",\"step\":0,\"timestamp\":\"2026-01-01T00:00:00Z\"}")]
    [InlineData("{\"key\":\"loss\",\"value\":1,\"step\":-1,\"timestamp\":\"2026-01-01T00:00:00Z\"}")]
    [InlineData("{\"key\":\"loss\",\"value\":\"one\",\"step\":0,\"timestamp\":\"2026-01-01T00:00:00Z\"}")]
    public async Task MetricLine_ValidJsonButWrong_FailsTheReadWithCorruptData(string line)
    {
        FileSystemExperimentTracker tracker = NewTracker();
        TrackedRun run = await tracker.StartRunAsync("taxi");
        await tracker.LogMetricAsync(run.RunId, "loss", 1.0, step: 0);
        await File.AppendAllTextAsync(tracker.MetricFile(run.RunId, "loss"), line + "\n");

        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => tracker.GetMetricHistoryAsync(run.RunId, "loss"));

        Assert.Equal(RegistryErrorCode.CorruptData, ex.ErrorCode);
        Assert.Contains(tracker.MetricFile(run.RunId, "loss"), ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("{\"runId\":null,\"experimentName\":\"taxi\"}")]
    [InlineData("{\"runId\":\"00000000000000000000000000000000\",\"experimentName\":\"taxi\"}")]
    [InlineData("{\"runId\":\"RUN\",\"experimentName\":null}")]
    [InlineData("{\"runId\":\"RUN\",\"experimentName\":\"taxi\",\"status\":9}")]
    [InlineData("{\"runId\":\"RUN\",\"experimentName\":\"taxi\",\"params\":null}")]
    [InlineData("{\"runId\":\"RUN\",\"experimentName\":\"taxi\",\"tags\":{\"a\":null}}")]
    [InlineData("{\"runId\":\"RUN\",\"experimentName\":\"taxi\",\"artifacts\":[null]}")]
    [InlineData("{\"runId\":\"RUN\",\"experimentName\":\"taxi\",\"datasets\":null}")]
    [InlineData("{\"runId\":\"RUN\",\"experimentName\":\"taxi\",\"startedAt\":5}")]
    public async Task RunFile_ValidJsonButWrong_FailsGetSearchAndWritesWithCorruptData(string json)
    {
        FileSystemExperimentTracker tracker = NewTracker();
        TrackedRun run = await tracker.StartRunAsync("taxi");
        await File.WriteAllTextAsync(tracker.RunFile(run.RunId), json.Replace("RUN", run.RunId, StringComparison.Ordinal));

        foreach (Func<Task> operation in new Func<Task>[]
        {
            () => tracker.GetRunAsync(run.RunId),
            () => tracker.SearchRunsAsync(),
            () => tracker.LogParamsAsync(run.RunId, new Dictionary<string, string> { ["a"] = "1" }),
            () => tracker.LogMetricAsync(run.RunId, "loss", 1),
            () => tracker.EndRunAsync(run.RunId),
        })
        {
            var ex = await Assert.ThrowsAsync<ModelRegistryException>(operation);
            Assert.True(ex.ErrorCode == RegistryErrorCode.CorruptData, ex.ToString());
            Assert.Contains(tracker.RunFile(run.RunId), ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("null")]
    [InlineData("{\"name\":\"other\"}")]
    [InlineData("{\"name\":null}")]
    [InlineData("{\"name\":\"taxi\",\"tags\":null}")]
    [InlineData("{\"name\":\"taxi\",\"tags\":{\"a\":null}}")]
    [InlineData("[]")]
    public async Task ExperimentFile_ValidJsonButWrong_FailsGetListAndCreateWithCorruptData(string json)
    {
        FileSystemExperimentTracker tracker = NewTracker();
        await tracker.CreateExperimentAsync("taxi");
        string path = Path.Combine(tracker.TrackingPath, "experiments", "taxi.json");
        Assert.True(File.Exists(path));
        await File.WriteAllTextAsync(path, json);

        foreach (Func<Task> operation in new Func<Task>[]
        {
            () => tracker.GetExperimentAsync("taxi"),
            () => tracker.ListExperimentsAsync(),
            () => tracker.CreateExperimentAsync("taxi"),
        })
        {
            var ex = await Assert.ThrowsAsync<ModelRegistryException>(operation);
            Assert.True(ex.ErrorCode == RegistryErrorCode.CorruptData, ex.ToString());
            Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task BadInput_LeavesTheDirectoryUnchanged()
    {
        FileSystemExperimentTracker tracker = NewTracker();
        TrackedRun run = await tracker.StartRunAsync("taxi");
        await tracker.LogMetricAsync(run.RunId, "loss", 1.0);
        var before = DirectorySnapshot.Take(_directory.Path);

        await Assert.ThrowsAsync<ArgumentException>(() => tracker.LogArtifactAsync(run.RunId, "../../../escape.txt", new MemoryStream([1, 2, 3])));
        await Assert.ThrowsAsync<ArgumentException>(() => tracker.LogArtifactAsync(run.RunId, "/tmp/escape.txt", new MemoryStream([1, 2, 3])));
        await Assert.ThrowsAsync<ArgumentException>(() => tracker.LogArtifactAsync("../" + run.RunId, "ok.txt", new MemoryStream([1, 2, 3])));
        await Assert.ThrowsAsync<ArgumentException>(() => tracker.LogMetricAsync(run.RunId, "loss", double.NaN));
        await Assert.ThrowsAsync<ArgumentException>(() => tracker.LogMetricsAsync(run.RunId, [new MetricPoint("ok", 1, 0, default), new MetricPoint("bad", double.PositiveInfinity, 0, default)]));
        await Assert.ThrowsAsync<ArgumentException>(() => tracker.StartRunAsync("../escape"));
        await Assert.ThrowsAsync<ArgumentException>(() => tracker.CreateExperimentAsync("a/b"));
        await Assert.ThrowsAsync<ArgumentException>(() => tracker.LogParamAsync(run.RunId, "", "x"));
        await Assert.ThrowsAsync<ArgumentException>(() => tracker.SetTagsAsync(run.RunId, new Dictionary<string, string> { ["k"] = new string('v', 5001) }));

        Assert.Equal(before, DirectorySnapshot.Take(_directory.Path));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(_directory.Path)!, "escape.txt")));
    }

    [Theory]
    [InlineData("temp-written")]
    [InlineData("temp-flushed")]
    public async Task WriterFailsBeforeTheRename_RunFileKeepsItsPreviousContentAndNoTempFileIsLeft(string point)
    {
        FileSystemExperimentTracker tracker = NewTracker();
        TrackedRun run = await tracker.StartRunAsync("taxi");
        await tracker.LogParamAsync(run.RunId, "lr", "0.1");
        string before = await File.ReadAllTextAsync(tracker.RunFile(run.RunId));
        tracker.Fault = p =>
        {
            if (p == point)
            {
                throw new IOException("injected at " + p);
            }
        };

        var ex = await Assert.ThrowsAsync<IOException>(() => tracker.LogParamAsync(run.RunId, "trees", "100"));
        tracker.Fault = null;

        Assert.Contains(point, ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(tracker.RunFile(run.RunId)));
        Assert.Equal(["run.json"], Directory.EnumerateFiles(Path.GetDirectoryName(tracker.RunFile(run.RunId))!, "run.json*").Select(Path.GetFileName));
        await tracker.LogParamAsync(run.RunId, "trees", "100");
        Assert.Equal("100", (await tracker.GetRunAsync(run.RunId))?.Params["trees"]);
    }

    [Fact]
    public async Task StrayTempFileOfAKilledWriter_IsIgnored()
    {
        FileSystemExperimentTracker tracker = NewTracker();
        TrackedRun run = await tracker.StartRunAsync("taxi");
        await File.WriteAllTextAsync(Path.Combine(Path.GetDirectoryName(tracker.RunFile(run.RunId))!, ".run.json.tmp-" + Guid.NewGuid().ToString("N")), "{ half");
        await File.WriteAllTextAsync(Path.Combine(tracker.TrackingPath, "experiments", ".taxi.json.tmp-" + Guid.NewGuid().ToString("N")), "{ half");

        Assert.Equal(RunStatus.Running, (await tracker.GetRunAsync(run.RunId))?.Status);
        Assert.Single(await tracker.SearchRunsAsync());
        Assert.Equal(["taxi"], (await tracker.ListExperimentsAsync()).Select(e => e.Name));
    }

    [Theory]
    [InlineData("artifact-uploaded")]
    [InlineData("artifact-moved")]
    public async Task ArtifactWriterFails_NoArtifactIsListedAndARetrySucceeds(string point)
    {
        FileSystemExperimentTracker tracker = NewTracker();
        TrackedRun run = await tracker.StartRunAsync("taxi");
        tracker.Fault = p =>
        {
            if (p == point)
            {
                throw new IOException("injected at " + p);
            }
        };

        await Assert.ThrowsAsync<IOException>(() => tracker.LogArtifactAsync(run.RunId, "model.zip", "first"u8.ToArray()));
        tracker.Fault = null;

        Assert.Empty(await tracker.ListArtifactsAsync(run.RunId));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(tracker.TrackingPath, "runs", run.RunId, ".tmp")));
        await tracker.LogArtifactAsync(run.RunId, "model.zip", "second"u8.ToArray());
        Assert.Equal("second"u8.ToArray(), await tracker.ReadArtifactAsync(run.RunId, "model.zip"));
    }

    [Fact]
    public async Task ArtifactFileDeleted_OpenThrowsArtifactIntegrityException()
    {
        FileSystemExperimentTracker tracker = NewTracker();
        TrackedRun run = await tracker.StartRunAsync("taxi");
        await tracker.LogArtifactAsync(run.RunId, "model.zip", "zip"u8.ToArray());
        File.Delete(tracker.ArtifactFile(run.RunId, "model.zip"));

        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => tracker.OpenArtifactAsync(run.RunId, "model.zip"));
    }

    [Fact]
    public async Task StrayUploadTempFile_IsNotAnArtifact()
    {
        FileSystemExperimentTracker tracker = NewTracker();
        TrackedRun run = await tracker.StartRunAsync("taxi");
        string temp = Path.Combine(_directory.Path, "tracking", "runs", run.RunId, ".tmp");
        Directory.CreateDirectory(temp);
        await File.WriteAllTextAsync(Path.Combine(temp, Guid.NewGuid().ToString("N")), "half an upload");

        Assert.Empty(await tracker.ListArtifactsAsync(run.RunId));
        RunArtifact stored = await tracker.LogArtifactAsync(run.RunId, "model.zip", "zip"u8.ToArray());
        Assert.Equal([stored], await tracker.ListArtifactsAsync(run.RunId));
    }

    [Fact]
    public async Task RunLockHeldByAnotherProcess_WriteTimesOutWithLockTimeoutAndWritesNothing()
    {
        FileSystemExperimentTracker tracker = NewTracker(TimeSpan.FromMilliseconds(200));
        TrackedRun run = await tracker.StartRunAsync("taxi");
        string lockFile = Path.Combine(_directory.Path, "tracking", "runs", run.RunId, "run.lock");

        using (new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => tracker.LogMetricAsync(run.RunId, "loss", 1));
            Assert.Equal(RegistryErrorCode.LockTimeout, ex.ErrorCode);
            Assert.Contains("run.lock", ex.Message, StringComparison.Ordinal);
        }

        Assert.Empty(await tracker.GetMetricHistoryAsync(run.RunId, "loss"));
        await tracker.LogMetricAsync(run.RunId, "loss", 1);
        Assert.Single(await tracker.GetMetricHistoryAsync(run.RunId, "loss"));
    }

    [Fact]
    public async Task CorruptRunFile_FailsSearchAndGetWithCorruptDataNamingTheFile()
    {
        FileSystemExperimentTracker tracker = NewTracker();
        await tracker.StartRunAsync("taxi");
        TrackedRun bad = await tracker.StartRunAsync("taxi");
        await File.WriteAllTextAsync(tracker.RunFile(bad.RunId), "{ not json");

        var search = await Assert.ThrowsAsync<ModelRegistryException>(() => tracker.SearchRunsAsync());
        var get = await Assert.ThrowsAsync<ModelRegistryException>(() => tracker.GetRunAsync(bad.RunId));

        Assert.Equal(RegistryErrorCode.CorruptData, search.ErrorCode);
        Assert.Contains(tracker.RunFile(bad.RunId), search.Message, StringComparison.Ordinal);
        Assert.Equal(RegistryErrorCode.CorruptData, get.ErrorCode);
    }

    [Fact]
    public async Task TwoServiceProviders_OnOneDirectory_LogToDifferentRunsConcurrently()
    {
        ServiceProvider first = Provider();
        ServiceProvider second = Provider();
        await using (first)
        await using (second)
        {
            IExperimentTracker a = first.GetRequiredService<IExperimentTracker>();
            IExperimentTracker b = second.GetRequiredService<IExperimentTracker>();
            Assert.NotSame(a, b);

            string[] runIds = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
            {
                IExperimentTracker tracker = i % 2 == 0 ? a : b;
                TrackedRun run = await tracker.StartRunAsync("shared", $"run-{i}");
                await tracker.LogParamAsync(run.RunId, "worker", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                for (int step = 0; step < 40; step++)
                {
                    await tracker.LogMetricAsync(run.RunId, "loss", 1.0 / (step + 1), step);
                }

                await tracker.LogArtifactAsync(run.RunId, "model.zip", Encoding.UTF8.GetBytes($"model-{i}"));
                await tracker.EndRunAsync(run.RunId);
                return run.RunId;
            })));

            IReadOnlyList<TrackedRun> runs = await a.SearchRunsAsync(new RunSearchQuery { ExperimentName = "shared" });
            Assert.Equal(6, runs.Count);
            Assert.All(runs, r => Assert.Equal(RunStatus.Finished, r.Status));
            for (int i = 0; i < runIds.Length; i++)
            {
                IReadOnlyList<MetricPoint> history = await b.GetMetricHistoryAsync(runIds[i], "loss");
                Assert.Equal(Enumerable.Range(0, 40).Select(s => (long)s), history.Select(p => p.Step));
                Assert.Equal(Encoding.UTF8.GetBytes($"model-{i}"), await b.ReadArtifactAsync(runIds[i], "model.zip"));
                Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), (await a.GetRunAsync(runIds[i]))?.Params["worker"]);
            }

            Assert.Single(await b.ListExperimentsAsync());
        }

        ServiceProvider Provider()
        {
            var services = new ServiceCollection();
            services.AddMLOps().AddFileSystemTracking(o => o.RootPath = _directory.Path);
            return services.BuildServiceProvider();
        }
    }

    [Fact]
    public void AddFileSystemTracking_Twice_RegistersOneTrackerWithBothConfigurations()
    {
        var services = new ServiceCollection();
        services.AddMLOps()
            .AddFileSystemTracking(o => o.RootPath = _directory.Path)
            .AddFileSystemTracking(o => o.LockTimeout = TimeSpan.FromSeconds(5));
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Single(services, d => d.ServiceType == typeof(IExperimentTracker));
        Assert.Single(services, d => d.ServiceType == typeof(FileSystemExperimentTracker));
        var tracker = Assert.IsType<FileSystemExperimentTracker>(Assert.IsType<InstrumentedExperimentTracker>(provider.GetRequiredService<IExperimentTracker>()).Inner);
        Assert.Same(tracker, provider.GetRequiredService<FileSystemExperimentTracker>());
        Assert.Equal(Path.Combine(Path.GetFullPath(_directory.Path), "tracking"), tracker.TrackingPath);
        Assert.Equal(TimeSpan.FromSeconds(5), provider.GetRequiredService<IOptions<FileSystemTrackingOptions>>().Value.LockTimeout);
    }

    [Fact]
    public async Task AddFileSystemTracking_InvalidOptions_FailOnStart()
    {
        var services = new ServiceCollection();
        services.AddMLOps().AddFileSystemTracking(o =>
        {
            o.RootPath = " ";
            o.LockTimeout = TimeSpan.Zero;
        });
        await using ServiceProvider provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(ex.Failures, f => f.Contains("RootPath", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("LockTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsListingEveryProblem()
    {
        var ex = Assert.Throws<ArgumentException>(() => new FileSystemExperimentTracker(new FileSystemTrackingOptions { RootPath = "", LockTimeout = TimeSpan.FromHours(2) }));

        Assert.Contains("RootPath", ex.Message, StringComparison.Ordinal);
        Assert.Contains("LockTimeout", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rmse", "rmse.jsonl")]
    [InlineData("train/loss", "train%2Floss.jsonl")]
    [InlineData(".hidden", "%2Ehidden.jsonl")]
    [InlineData("..", "%2E..jsonl")]
    [InlineData("a b", "a%20b.jsonl")]
    public void MetricFileName_EncodesEverythingButSafeCharacters(string key, string expected) =>
        Assert.Equal(expected, FileSystemExperimentTracker.MetricFileName(key));

    [Fact]
    public void MetricFileName_VeryLongKey_IsHashed()
    {
        string name = FileSystemExperimentTracker.MetricFileName(new string('/', 250));

        Assert.Matches("^sha256-[0-9a-f]{64}\\.jsonl$", name);
    }

    public void Dispose() => _directory.Dispose();

    private sealed class SingleLoggerFactory(ILogger logger) : ILoggerFactory
    {
        public void AddProvider(ILoggerProvider provider)
        {
        }

        public ILogger CreateLogger(string categoryName) => logger;

        public void Dispose()
        {
        }
    }
}
