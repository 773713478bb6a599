using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace MLOps.Registry.Tests.Tracking;

/// <summary>
/// The behaviour every <see cref="IExperimentTracker"/> backend must have. A backend's test class derives from this one
/// and supplies a fresh, empty tracker per test (xunit creates one instance of the class per test), a second instance over
/// the same store (another process or replica), and a way to damage a stored artifact.
/// </summary>
public abstract class TrackerConformanceTests : IAsyncLifetime
{
    private IExperimentTracker? _tracker;

    /// <summary>Gets the clock the tracker under test uses (starts at 2026-01-01 UTC).</summary>
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>Gets the tracker under test (created before each test).</summary>
    protected IExperimentTracker Tracker => _tracker ?? throw new InvalidOperationException("InitializeAsync has not run.");

    /// <summary>Creates a fresh, empty tracker over a fresh store, using <paramref name="time"/> for timestamps.</summary>
    protected abstract Task<IExperimentTracker> CreateTrackerAsync(TimeProvider time);

    /// <summary>Opens a second, independent tracker instance over the same store as <see cref="Tracker"/>.</summary>
    protected abstract Task<IExperimentTracker> OpenSecondInstanceAsync();

    /// <summary>Damages a stored artifact: flips a byte (same length) or, with <paramref name="truncate"/>, cuts it in half.</summary>
    protected abstract Task CorruptArtifactAsync(string runId, string path, bool truncate);

    /// <summary>Releases the store.</summary>
    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _tracker = await CreateTrackerAsync(Time);

    public async Task DisposeAsync()
    {
        if (_tracker is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else if (_tracker is IDisposable disposable)
        {
            disposable.Dispose();
        }

        await DisposeStoreAsync();
    }

    protected static Dictionary<string, string> Map(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    protected Task<TrackedRun> StartAsync(string experiment = "taxi", string? name = null, Dictionary<string, string>? tags = null) =>
        Tracker.StartRunAsync(experiment, name, tags);

    // ---- experiments ----

    [Fact]
    public async Task CreateExperiment_ThenGet_ReturnsNameTagsAndCreationTime()
    {
        Experiment created = await Tracker.CreateExperimentAsync("taxi-duration", Map(("team", "rides")));

        Experiment? read = await Tracker.GetExperimentAsync("taxi-duration");

        Assert.NotNull(read);
        Assert.Equal("taxi-duration", read.Name);
        Assert.Equal("rides", read.Tags["team"]);
        Assert.Equal(Time.GetUtcNow(), read.CreatedAt);
        Assert.Equal(created.CreatedAt, read.CreatedAt);
    }

    [Fact]
    public async Task CreateExperiment_Twice_ThrowsAlreadyExists()
    {
        await Tracker.CreateExperimentAsync("taxi");

        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => Tracker.CreateExperimentAsync("taxi"));

        Assert.Equal(RegistryErrorCode.AlreadyExists, ex.ErrorCode);
    }

    [Fact]
    public async Task GetExperiment_Missing_ReturnsNull() => Assert.Null(await Tracker.GetExperimentAsync("nothing"));

    [Fact]
    public async Task ListExperiments_ReturnsEveryExperimentOrderedByName()
    {
        await Tracker.CreateExperimentAsync("b");
        await Tracker.CreateExperimentAsync("a");
        await Tracker.StartRunAsync("c");

        IReadOnlyList<Experiment> all = await Tracker.ListExperimentsAsync();

        Assert.Equal(["a", "b", "c"], all.Select(e => e.Name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-leading-dash")]
    [InlineData("has space")]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("ünïcode")]
    public async Task CreateExperiment_InvalidName_ThrowsArgumentExceptionNamingTheParameter(string name)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Tracker.CreateExperimentAsync(name));

        Assert.Equal("name", ex.ParamName);
        Assert.Contains("experiment name", ex.Message, StringComparison.Ordinal);
        Assert.Empty(await Tracker.ListExperimentsAsync());
    }

    [Fact]
    public async Task StartRun_InvalidExperimentName_ThrowsAndCreatesNothing()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Tracker.StartRunAsync(new string('x', 129)));

        Assert.Equal("experimentName", ex.ParamName);
        Assert.Empty(await Tracker.SearchRunsAsync());
        Assert.Empty(await Tracker.ListExperimentsAsync());
    }

    // ---- run lifecycle ----

    [Fact]
    public async Task StartRun_MissingExperiment_CreatesItAndReturnsARunningRun()
    {
        TrackedRun run = await Tracker.StartRunAsync("taxi", "first try", Map(("owner", "alice")));

        Assert.Matches("^[0-9a-f]{32}$", run.RunId);
        Assert.Equal("taxi", run.ExperimentName);
        Assert.Equal("first try", run.RunName);
        Assert.Equal(RunStatus.Running, run.Status);
        Assert.Equal(Time.GetUtcNow(), run.StartedAt);
        Assert.Null(run.EndedAt);
        Assert.Equal("alice", run.Tags["owner"]);
        Assert.NotNull(await Tracker.GetExperimentAsync("taxi"));
        Assert.Equal(run.RunId, (await Tracker.GetRunAsync(run.RunId))?.RunId);
    }

    [Fact]
    public async Task StartRun_Twice_GivesDistinctRunIds()
    {
        TrackedRun a = await StartAsync();
        TrackedRun b = await StartAsync();

        Assert.NotEqual(a.RunId, b.RunId);
    }

    [Fact]
    public async Task EndRun_Finished_RecordsStatusAndEndTime()
    {
        TrackedRun run = await StartAsync();
        Time.Advance(TimeSpan.FromMinutes(3));

        TrackedRun ended = await Tracker.EndRunAsync(run.RunId);
        TrackedRun? read = await Tracker.GetRunAsync(run.RunId);

        Assert.Equal(RunStatus.Finished, ended.Status);
        Assert.NotNull(read);
        Assert.Equal(RunStatus.Finished, read.Status);
        Assert.Equal(run.StartedAt.AddMinutes(3), read.EndedAt);
        Assert.Null(read.Error);
    }

    [Theory]
    [InlineData(RunStatus.Failed)]
    [InlineData(RunStatus.Killed)]
    public async Task EndRun_WithError_RecordsStatusAndError(RunStatus status)
    {
        TrackedRun run = await StartAsync();

        await Tracker.EndRunAsync(run.RunId, status, "InvalidOperationException: out of memory");

        TrackedRun? read = await Tracker.GetRunAsync(run.RunId);
        Assert.Equal(status, read?.Status);
        Assert.Equal("InvalidOperationException: out of memory", read?.Error);
    }

    [Fact]
    public async Task EndRun_Twice_ThrowsInvalidStateAndKeepsTheFirstEnd()
    {
        TrackedRun run = await StartAsync();
        await Tracker.EndRunAsync(run.RunId, RunStatus.Failed, "boom");

        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => Tracker.EndRunAsync(run.RunId));

        Assert.Equal(RegistryErrorCode.InvalidState, ex.ErrorCode);
        Assert.Equal(RunStatus.Failed, (await Tracker.GetRunAsync(run.RunId))?.Status);
    }

    [Theory]
    [InlineData(RunStatus.Running)]
    [InlineData((RunStatus)42)]
    public async Task EndRun_NotAnEndStatus_ThrowsArgumentOutOfRange(RunStatus status)
    {
        TrackedRun run = await StartAsync();

        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Tracker.EndRunAsync(run.RunId, status));

        Assert.Equal("status", ex.ParamName);
        Assert.Equal(RunStatus.Running, (await Tracker.GetRunAsync(run.RunId))?.Status);
    }

    [Fact]
    public async Task EndedRun_LoggingParamsMetricsDatasetsOrArtifacts_ThrowsInvalidState()
    {
        TrackedRun run = await StartAsync();
        await Tracker.EndRunAsync(run.RunId);

        var errors = new[]
        {
            await Assert.ThrowsAsync<ModelRegistryException>(() => Tracker.LogParamAsync(run.RunId, "lr", "0.1")),
            await Assert.ThrowsAsync<ModelRegistryException>(() => Tracker.LogMetricAsync(run.RunId, "rmse", 1.0)),
            await Assert.ThrowsAsync<ModelRegistryException>(() => Tracker.LogDatasetInputAsync(run.RunId, new DatasetInput("d", "sha256:00"))),
            await Assert.ThrowsAsync<ModelRegistryException>(() => Tracker.LogArtifactAsync(run.RunId, "a.txt", "x"u8.ToArray())),
        };

        Assert.All(errors, e => Assert.Equal(RegistryErrorCode.InvalidState, e.ErrorCode));
        TrackedRun? read = await Tracker.GetRunAsync(run.RunId);
        Assert.NotNull(read);
        Assert.Empty(read.Params);
        Assert.Empty(read.Metrics);
        Assert.Empty(read.Datasets);
        Assert.Empty(read.Artifacts);
    }

    [Theory]
    [InlineData("../../etc")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("abc")]
    [InlineData("")]
    public async Task AnyCall_InvalidRunId_ThrowsArgumentExceptionNamingRunId(string runId)
    {
        Assert.Equal("runId", (await Assert.ThrowsAsync<ArgumentException>(() => Tracker.GetRunAsync(runId))).ParamName);
        Assert.Equal("runId", (await Assert.ThrowsAsync<ArgumentException>(() => Tracker.LogMetricAsync(runId, "m", 1))).ParamName);
        Assert.Equal("runId", (await Assert.ThrowsAsync<ArgumentException>(() => Tracker.LogArtifactAsync(runId, "a", new MemoryStream()))).ParamName);
        Assert.Equal("runId", (await Assert.ThrowsAsync<ArgumentException>(() => Tracker.EndRunAsync(runId))).ParamName);
    }

    [Fact]
    public async Task UnknownRun_GetReturnsNullAndMutationsThrowNotFound()
    {
        string runId = Guid.NewGuid().ToString("N");

        Assert.Null(await Tracker.GetRunAsync(runId));
        var errors = new[]
        {
            await Assert.ThrowsAsync<ModelRegistryException>(() => Tracker.LogParamAsync(runId, "lr", "0.1")),
            await Assert.ThrowsAsync<ModelRegistryException>(() => Tracker.LogMetricAsync(runId, "rmse", 1.0)),
            await Assert.ThrowsAsync<ModelRegistryException>(() => Tracker.SetTagAsync(runId, "k", "v")),
            await Assert.ThrowsAsync<ModelRegistryException>(() => Tracker.EndRunAsync(runId)),
            await Assert.ThrowsAsync<ModelRegistryException>(() => Tracker.LogArtifactAsync(runId, "a.txt", "x"u8.ToArray())),
            await Assert.ThrowsAsync<ModelRegistryException>(() => Tracker.ListArtifactsAsync(runId)),
        };
        Assert.All(errors, e => Assert.Equal(RegistryErrorCode.NotFound, e.ErrorCode));
    }

    // ---- params ----

    [Fact]
    public async Task LogParams_ThenGet_ReturnsThem()
    {
        TrackedRun run = await StartAsync();

        await Tracker.LogParamsAsync(run.RunId, Map(("lr", "0.1"), ("trees", "100")));
        await Tracker.LogParamAsync(run.RunId, "leaves", "20");

        Assert.Equal(Map(("lr", "0.1"), ("trees", "100"), ("leaves", "20")), (await Tracker.GetRunAsync(run.RunId))?.Params);
    }

    [Fact]
    public async Task LogParam_SameValueAgain_IsIdempotent()
    {
        TrackedRun run = await StartAsync();
        await Tracker.LogParamAsync(run.RunId, "lr", "0.1");

        await Tracker.LogParamAsync(run.RunId, "lr", "0.1");
        await Tracker.LogParamsAsync(run.RunId, Map(("lr", "0.1"), ("trees", "5")));

        Assert.Equal(Map(("lr", "0.1"), ("trees", "5")), (await Tracker.GetRunAsync(run.RunId))?.Params);
    }

    [Fact]
    public async Task LogParams_DifferentValue_ThrowsParamAlreadyLoggedAndWritesNothingOfTheBatch()
    {
        TrackedRun run = await StartAsync();
        await Tracker.LogParamAsync(run.RunId, "lr", "0.1");

        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => Tracker.LogParamsAsync(run.RunId, Map(("trees", "100"), ("lr", "0.2"))));

        Assert.Equal(RegistryErrorCode.ParamAlreadyLogged, ex.ErrorCode);
        Assert.Contains("'lr'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("0.1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("0.2", ex.Message, StringComparison.Ordinal);
        Assert.Equal(Map(("lr", "0.1")), (await Tracker.GetRunAsync(run.RunId))?.Params);
    }

    [Fact]
    public async Task LogParams_InvalidKeyOrTooLongValue_ThrowsArgumentException()
    {
        TrackedRun run = await StartAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => Tracker.LogParamAsync(run.RunId, " ", "x"));
        await Assert.ThrowsAsync<ArgumentException>(() => Tracker.LogParamAsync(run.RunId, "k\n", "x"));
        await Assert.ThrowsAsync<ArgumentException>(() => Tracker.LogParamAsync(run.RunId, "k", new string('x', 6001)));

        Assert.Empty((await Tracker.GetRunAsync(run.RunId))!.Params);
    }

    [Fact]
    public async Task ParamsAndTags_AtTheirMaximumLengthsWithIncompressibleValues_RoundTrip()
    {
        TrackedRun run = await StartAsync();
        var random = new Random(7);
        string Noise(int length) => new([.. Enumerable.Range(0, length).Select(_ => (char)random.Next(0x21, 0x7F))]);
        string key = Noise(250), paramValue = Noise(6000), tagValue = Noise(5000), artifactPath = string.Join("/", Enumerable.Repeat(new string('p', 255), 4));

        await Tracker.LogParamAsync(run.RunId, key, paramValue);
        await Tracker.SetTagAsync(run.RunId, key, tagValue);
        await Tracker.LogMetricAsync(run.RunId, key, 1.5);
        await Tracker.LogArtifactAsync(run.RunId, artifactPath, "x"u8.ToArray());

        TrackedRun? read = await Tracker.GetRunAsync(run.RunId);
        Assert.Equal(paramValue, read?.Params[key]);
        Assert.Equal(tagValue, read?.Tags[key]);
        Assert.Equal(1.5, read?.Metrics[key]);
        Assert.Equal(artifactPath, Assert.Single(read!.Artifacts).Path);
        Assert.Equal([run.RunId], (await Tracker.SearchRunsAsync(new RunSearchQuery { Tags = Map((key, tagValue)), OrderByMetric = key })).Select(r => r.RunId));
    }

    // ---- metrics ----

    [Fact]
    public async Task LogMetric_ManyPointsPerKey_HistoryIsInStepOrderAndLatestIsTheHighestStep()
    {
        TrackedRun run = await StartAsync();
        foreach (long step in new long[] { 3, 0, 2, 1, 4 })
        {
            await Tracker.LogMetricAsync(run.RunId, "loss", 10.0 - step, step);
        }

        await Tracker.LogMetricAsync(run.RunId, "rmse", 2.5);

        IReadOnlyList<MetricPoint> history = await Tracker.GetMetricHistoryAsync(run.RunId, "loss");
        TrackedRun? read = await Tracker.GetRunAsync(run.RunId);

        Assert.Equal([0L, 1, 2, 3, 4], history.Select(p => p.Step));
        Assert.Equal([10.0, 9, 8, 7, 6], history.Select(p => p.Value));
        Assert.All(history, p => Assert.Equal("loss", p.Key));
        Assert.Equal(6.0, read?.Metrics["loss"]);
        Assert.Equal(2.5, read?.Metrics["rmse"]);
    }

    [Fact]
    public async Task LogMetric_SameStepTwice_KeepsBothAndTheLaterIsLatest()
    {
        TrackedRun run = await StartAsync();
        await Tracker.LogMetricAsync(run.RunId, "acc", 0.5, step: 1);
        Time.Advance(TimeSpan.FromSeconds(1));
        await Tracker.LogMetricAsync(run.RunId, "acc", 0.7, step: 1);

        IReadOnlyList<MetricPoint> history = await Tracker.GetMetricHistoryAsync(run.RunId, "acc");

        Assert.Equal([0.5, 0.7], history.Select(p => p.Value));
        Assert.Equal(0.7, (await Tracker.GetRunAsync(run.RunId))?.Metrics["acc"]);
    }

    [Fact]
    public async Task LogMetric_SameStepAndTimestamp_HistoryKeepsLoggingOrderAndTheLastLoggedIsLatest()
    {
        TrackedRun run = await StartAsync();
        await Tracker.LogMetricsAsync(run.RunId, [new MetricPoint("f1", 0.3, 2, default), new MetricPoint("f1", 0.1, 2, default)]);
        await Tracker.LogMetricAsync(run.RunId, "f1", 0.2, step: 2);
        await Tracker.LogMetricAsync(run.RunId, "f1", 0.9, step: 1);

        IReadOnlyList<MetricPoint> history = await Tracker.GetMetricHistoryAsync(run.RunId, "f1");

        Assert.Equal([0.9, 0.3, 0.1, 0.2], history.Select(p => p.Value));
        Assert.Equal(0.2, (await Tracker.GetRunAsync(run.RunId))?.Metrics["f1"]);
    }

    [Fact]
    public async Task LogMetric_Timestamp_DefaultsToNowOrKeepsTheGivenOne()
    {
        TrackedRun run = await StartAsync();
        var given = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

        await Tracker.LogMetricAsync(run.RunId, "m", 1, step: 0);
        await Tracker.LogMetricAsync(run.RunId, "m", 2, step: 1, timestamp: given);

        IReadOnlyList<MetricPoint> history = await Tracker.GetMetricHistoryAsync(run.RunId, "m");
        Assert.Equal(Time.GetUtcNow(), history[0].Timestamp);
        Assert.Equal(given, history[1].Timestamp);
    }

    [Fact]
    public async Task LogMetrics_Batch_StoresEveryPoint()
    {
        TrackedRun run = await StartAsync();

        await Tracker.LogMetricsAsync(run.RunId, Enumerable.Range(0, 50).Select(i => new MetricPoint(i % 2 == 0 ? "train/loss" : "val/loss", i, i / 2, default)));
        await Tracker.LogMetricsAsync(run.RunId, new Dictionary<string, double> { ["r2"] = 0.9, ["mae"] = 1.5 });

        Assert.Equal(25, (await Tracker.GetMetricHistoryAsync(run.RunId, "train/loss")).Count);
        Assert.Equal(25, (await Tracker.GetMetricHistoryAsync(run.RunId, "val/loss")).Count);
        TrackedRun? read = await Tracker.GetRunAsync(run.RunId);
        Assert.Equal(48.0, read?.Metrics["train/loss"]);
        Assert.Equal(0.9, read?.Metrics["r2"]);
    }

    [Fact]
    public async Task LogMetric_KeysDifferingOnlyInCaseOrPunctuation_StayDistinct()
    {
        TrackedRun run = await StartAsync();

        await Tracker.LogMetricAsync(run.RunId, "Loss", 1);
        await Tracker.LogMetricAsync(run.RunId, "loss", 2);
        await Tracker.LogMetricAsync(run.RunId, "loss@val", 3);
        await Tracker.LogMetricAsync(run.RunId, "loss%40val", 4);

        Assert.Equal([1.0], (await Tracker.GetMetricHistoryAsync(run.RunId, "Loss")).Select(p => p.Value));
        Assert.Equal([2.0], (await Tracker.GetMetricHistoryAsync(run.RunId, "loss")).Select(p => p.Value));
        Assert.Equal([3.0], (await Tracker.GetMetricHistoryAsync(run.RunId, "loss@val")).Select(p => p.Value));
        Assert.Equal([4.0], (await Tracker.GetMetricHistoryAsync(run.RunId, "loss%40val")).Select(p => p.Value));
        Assert.Equal(4, (await Tracker.GetRunAsync(run.RunId))?.Metrics.Count);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public async Task LogMetric_NotFinite_ThrowsArgumentExceptionNamingValueAndStoresNothing(double value)
    {
        TrackedRun run = await StartAsync();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Tracker.LogMetricAsync(run.RunId, "rmse", value));

        Assert.Equal("value", ex.ParamName);
        Assert.Empty(await Tracker.GetMetricHistoryAsync(run.RunId, "rmse"));
    }

    [Fact]
    public async Task LogMetrics_BatchWithOneNaN_ThrowsNamingPointsAndStoresNothing()
    {
        TrackedRun run = await StartAsync();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Tracker.LogMetricsAsync(run.RunId,
            [new MetricPoint("a", 1, 0, default), new MetricPoint("b", double.NaN, 0, default)]));

        Assert.Equal("points", ex.ParamName);
        Assert.Empty((await Tracker.GetRunAsync(run.RunId))!.Metrics);
    }

    [Fact]
    public async Task LogMetric_NegativeStepOrInvalidKey_Throws()
    {
        TrackedRun run = await StartAsync();

        Assert.Equal("step", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Tracker.LogMetricAsync(run.RunId, "m", 1, step: -1))).ParamName);
        Assert.Equal("key", (await Assert.ThrowsAsync<ArgumentException>(() => Tracker.LogMetricAsync(run.RunId, "", 1))).ParamName);
        Assert.Equal("key", (await Assert.ThrowsAsync<ArgumentException>(() => Tracker.LogMetricAsync(run.RunId, new string('k', 251), 1))).ParamName);
    }

    // ---- tags ----

    [Fact]
    public async Task Tags_AreMutableEvenAfterTheRunEnded()
    {
        TrackedRun run = await StartAsync(tags: Map(("stage", "dev"), ("owner", "alice")));
        await Tracker.EndRunAsync(run.RunId);

        await Tracker.SetTagAsync(run.RunId, "stage", "reviewed");
        await Tracker.SetTagsAsync(run.RunId, Map(("note", "good")));
        await Tracker.DeleteTagAsync(run.RunId, "owner");
        await Tracker.DeleteTagAsync(run.RunId, "never-set");

        Assert.Equal(Map(("stage", "reviewed"), ("note", "good")), (await Tracker.GetRunAsync(run.RunId))?.Tags);
    }

    // ---- dataset inputs ----

    [Fact]
    public async Task LogDatasetInput_RoundTripsEveryField()
    {
        TrackedRun run = await StartAsync();
        var training = new DatasetInput("trips-2026-11", "sha256:abc")
        {
            Source = "s3://bucket/trips.csv",
            RowCount = 1200,
            Context = DatasetInput.TrainingContext,
            Schema = [new SignatureColumn("Distance", "Single"), new SignatureColumn("Features", "Single", IsVector: true, Size: 3)],
        };
        var evaluation = new DatasetInput("trips-holdout", "sha256:def") { Context = DatasetInput.EvaluationContext, RowCount = 300 };

        await Tracker.LogDatasetInputAsync(run.RunId, training);
        await Tracker.LogDatasetInputAsync(run.RunId, evaluation);

        IReadOnlyList<DatasetInput> datasets = (await Tracker.GetRunAsync(run.RunId))!.Datasets;
        Assert.Equal(2, datasets.Count);
        Assert.Equal(training.Name, datasets[0].Name);
        Assert.Equal(training.Digest, datasets[0].Digest);
        Assert.Equal(training.Source, datasets[0].Source);
        Assert.Equal(1200, datasets[0].RowCount);
        Assert.Equal("training", datasets[0].Context);
        Assert.Equal(training.Schema, datasets[0].Schema);
        Assert.Equal("evaluation", datasets[1].Context);
        Assert.Null(datasets[1].Schema);
    }

    [Fact]
    public async Task LogDatasetInput_Invalid_ThrowsArgumentException()
    {
        TrackedRun run = await StartAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => Tracker.LogDatasetInputAsync(run.RunId, new DatasetInput("", "sha256:00")));
        await Assert.ThrowsAsync<ArgumentException>(() => Tracker.LogDatasetInputAsync(run.RunId, new DatasetInput("d", "sha256:00") { RowCount = -1 }));
        await Assert.ThrowsAsync<ArgumentException>(() => Tracker.LogDatasetInputAsync(run.RunId, new DatasetInput("d", "x\ny")));

        Assert.Empty((await Tracker.GetRunAsync(run.RunId))!.Datasets);
    }

    // ---- artifacts ----

    [Fact]
    public async Task LogArtifact_ThenOpen_ReturnsTheContentWithItsSha256()
    {
        TrackedRun run = await StartAsync();
        byte[] content = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("model-bytes-", 20_000)));

        RunArtifact stored = await Tracker.LogArtifactAsync(run.RunId, "model/model.zip", new MemoryStream(content));
        await Tracker.LogArtifactAsync(run.RunId, "plots/residuals.svg", "<svg/>"u8.ToArray());

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), stored.Sha256);
        Assert.Equal(content.Length, stored.Length);
        Assert.Equal(content, await Tracker.ReadArtifactAsync(run.RunId, "model/model.zip"));
        Assert.Equal(["model/model.zip", "plots/residuals.svg"], (await Tracker.ListArtifactsAsync(run.RunId)).Select(a => a.Path));
        Assert.Equal(stored, (await Tracker.GetRunAsync(run.RunId))!.Artifacts[0]);
    }

    [Fact]
    public async Task LogArtifactFile_StoresTheFileUnderItsName()
    {
        TrackedRun run = await StartAsync();
        string file = Path.Combine(Path.GetTempPath(), "mlops-artifact-" + Guid.NewGuid().ToString("N") + ".txt");
        await File.WriteAllTextAsync(file, "report");
        try
        {
            RunArtifact stored = await Tracker.LogArtifactFileAsync(run.RunId, file);

            Assert.Equal(Path.GetFileName(file), stored.Path);
            Assert.Equal("report"u8.ToArray(), await Tracker.ReadArtifactAsync(run.RunId, stored.Path));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task LogArtifact_SamePathTwice_ThrowsAlreadyExistsAndKeepsTheFirst()
    {
        TrackedRun run = await StartAsync();
        await Tracker.LogArtifactAsync(run.RunId, "a.txt", "first"u8.ToArray());

        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => Tracker.LogArtifactAsync(run.RunId, "a.txt", "second"u8.ToArray()));

        Assert.Equal(RegistryErrorCode.AlreadyExists, ex.ErrorCode);
        Assert.Equal("first"u8.ToArray(), await Tracker.ReadArtifactAsync(run.RunId, "a.txt"));
    }

    [Theory]
    [InlineData("model", "model/weights.bin")]
    [InlineData("model/weights.bin", "model")]
    [InlineData("plots/a/b.svg", "plots/a")]
    [InlineData("Model.zip", "model.zip")]
    [InlineData("Plots/a.svg", "plots/b.svg")]
    public async Task LogArtifact_PathThatCannotShareAFileTreeWithALoggedOne_ThrowsAlreadyExistsAndKeepsTheFirst(string first, string second)
    {
        // A file and a directory of the same name, or names that differ only in case, cannot both be files on every
        // file system: refused on every backend, so a run's artifacts can always be downloaded into a directory.
        TrackedRun run = await StartAsync();
        await Tracker.LogArtifactAsync(run.RunId, first, "first"u8.ToArray());

        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => Tracker.LogArtifactAsync(run.RunId, second, "second"u8.ToArray()));

        Assert.Equal(RegistryErrorCode.AlreadyExists, ex.ErrorCode);
        Assert.Contains(second, ex.Message, StringComparison.Ordinal);
        Assert.Equal([first], (await Tracker.ListArtifactsAsync(run.RunId)).Select(a => a.Path));
        Assert.Equal("first"u8.ToArray(), await Tracker.ReadArtifactAsync(run.RunId, first));
        await Tracker.LogArtifactAsync(run.RunId, "other/" + first, "third"u8.ToArray());   // an unrelated path still works
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OpenArtifact_TamperedOrTruncated_ThrowsArtifactIntegrityException(bool truncate)
    {
        TrackedRun run = await StartAsync();
        await Tracker.LogArtifactAsync(run.RunId, "model.zip", Encoding.UTF8.GetBytes(new string('m', 4096)));
        await CorruptArtifactAsync(run.RunId, "model.zip", truncate);

        var ex = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => Tracker.ReadArtifactAsync(run.RunId, "model.zip"));

        Assert.Equal(RegistryErrorCode.IntegrityFailure, ex.ErrorCode);
        Assert.Equal("model.zip", ex.ArtifactPath);
    }

    [Fact]
    public async Task OpenArtifact_Missing_ThrowsNotFound()
    {
        TrackedRun run = await StartAsync();

        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => Tracker.OpenArtifactAsync(run.RunId, "nothing.bin"));

        Assert.Equal(RegistryErrorCode.NotFound, ex.ErrorCode);
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("a/../../escape.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("C:\\windows\\evil.dll")]
    [InlineData("a\\..\\b")]
    [InlineData("./a")]
    [InlineData("a//b")]
    [InlineData("")]
    public async Task LogArtifact_PathTraversalOrInvalidPath_ThrowsArgumentExceptionAndStoresNothing(string path)
    {
        TrackedRun run = await StartAsync();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Tracker.LogArtifactAsync(run.RunId, path, new MemoryStream([1, 2, 3])));
        var openEx = await Assert.ThrowsAsync<ArgumentException>(() => Tracker.OpenArtifactAsync(run.RunId, path));

        Assert.Equal("path", ex.ParamName);
        Assert.Equal("path", openEx.ParamName);
        Assert.Empty(await Tracker.ListArtifactsAsync(run.RunId));
    }

    // ---- search ----

    [Fact]
    public async Task SearchRuns_FiltersByExperimentStatusTagAndStartTime()
    {
        TrackedRun a = await StartAsync("taxi", tags: Map(("kind", "fast")));
        Time.Advance(TimeSpan.FromMinutes(1));
        TrackedRun b = await StartAsync("taxi", tags: Map(("kind", "slow")));
        Time.Advance(TimeSpan.FromMinutes(1));
        TrackedRun c = await StartAsync("churn", tags: Map(("kind", "fast")));
        await Tracker.EndRunAsync(a.RunId);

        Assert.Equal([b.RunId, a.RunId], (await Tracker.SearchRunsAsync(new RunSearchQuery { ExperimentName = "taxi" })).Select(r => r.RunId));
        Assert.Equal([a.RunId], (await Tracker.SearchRunsAsync(new RunSearchQuery { Status = RunStatus.Finished })).Select(r => r.RunId));
        Assert.Equal([c.RunId, a.RunId], (await Tracker.SearchRunsAsync(new RunSearchQuery { Tags = Map(("kind", "fast")) })).Select(r => r.RunId));
        Assert.Equal([c.RunId, b.RunId], (await Tracker.SearchRunsAsync(new RunSearchQuery { StartedAfter = a.StartedAt })).Select(r => r.RunId));
        Assert.Equal([c.RunId, b.RunId, a.RunId], (await Tracker.SearchRunsAsync()).Select(r => r.RunId));
        Assert.Empty(await Tracker.SearchRunsAsync(new RunSearchQuery { ExperimentName = "taxi", Tags = Map(("kind", "none")) }));
    }

    [Fact]
    public async Task SearchRuns_OrderByMetric_HighestOrLowestFirstAndRunsWithoutTheMetricLast()
    {
        var ids = new List<string>();
        foreach (double? r2 in new double?[] { 0.7, null, 0.9, 0.8 })
        {
            TrackedRun run = await StartAsync();
            if (r2 is { } v)
            {
                await Tracker.LogMetricAsync(run.RunId, "r2", v);
            }

            ids.Add(run.RunId);
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        var highest = await Tracker.SearchRunsAsync(new RunSearchQuery { ExperimentName = "taxi", OrderByMetric = "r2" });
        var lowest = await Tracker.SearchRunsAsync(new RunSearchQuery { ExperimentName = "taxi", OrderByMetric = "r2", Ascending = true, MaxResults = 2 });

        Assert.Equal([ids[2], ids[3], ids[0], ids[1]], highest.Select(r => r.RunId));
        Assert.Equal(0.9, highest[0].Metrics["r2"]);
        Assert.Equal([ids[0], ids[3]], lowest.Select(r => r.RunId));
    }

    [Fact]
    public async Task SearchRuns_RunsStartedAtTheSameTime_AreOrderedByRunId()
    {
        var ids = new List<string>();
        for (int i = 0; i < 6; i++)
        {
            ids.Add((await StartAsync()).RunId);
        }

        IReadOnlyList<TrackedRun> found = await Tracker.SearchRunsAsync(new RunSearchQuery { ExperimentName = "taxi" });
        IReadOnlyList<TrackedRun> byMetric = await Tracker.SearchRunsAsync(new RunSearchQuery { ExperimentName = "taxi", OrderByMetric = "none" });

        Assert.Equal(ids.Order(StringComparer.Ordinal), found.Select(r => r.RunId));
        Assert.Equal(ids.Order(StringComparer.Ordinal), byMetric.Select(r => r.RunId));
    }

    [Fact]
    public async Task SearchRuns_InvalidQuery_ThrowsArgumentException()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Tracker.SearchRunsAsync(new RunSearchQuery { ExperimentName = "../x" }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Tracker.SearchRunsAsync(new RunSearchQuery { MaxResults = 0 }));
    }

    // ---- several instances ----

    [Fact]
    public async Task SecondInstance_SeesExperimentsRunsAndMetricsOfTheFirst()
    {
        TrackedRun run = await StartAsync();
        await Tracker.LogMetricAsync(run.RunId, "rmse", 3.5);

        IExperimentTracker second = await OpenSecondInstanceAsync();
        await second.LogParamAsync(run.RunId, "lr", "0.1");

        TrackedRun? read = await second.GetRunAsync(run.RunId);
        Assert.Equal(3.5, read?.Metrics["rmse"]);
        Assert.Equal("0.1", (await Tracker.GetRunAsync(run.RunId))?.Params["lr"]);
        Assert.NotNull(await second.GetExperimentAsync("taxi"));
    }

    [Fact]
    public async Task ConcurrentLogging_ToOneRunFromManyTasks_LosesNothing()
    {
        TrackedRun run = await StartAsync();
        IExperimentTracker second = await OpenSecondInstanceAsync();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            IExperimentTracker tracker = t % 2 == 0 ? Tracker : second;
            for (int i = 0; i < 10; i++)
            {
                await tracker.LogMetricAsync(run.RunId, "loss", (t * 100) + i, step: (t * 100) + i);
                await tracker.LogParamAsync(run.RunId, $"p{t}-{i}", "v");
                await tracker.SetTagAsync(run.RunId, $"t{t}", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        })));

        TrackedRun? read = await Tracker.GetRunAsync(run.RunId);
        Assert.Equal(80, (await Tracker.GetMetricHistoryAsync(run.RunId, "loss")).Count);
        Assert.Equal(80, read?.Params.Count);
        Assert.All(Enumerable.Range(0, 8), t => Assert.Equal("9", read?.Tags[$"t{t}"]));
    }

    [Fact]
    public async Task ConcurrentStartRun_SameNewExperiment_CreatesItOnce()
    {
        IExperimentTracker second = await OpenSecondInstanceAsync();

        TrackedRun[] runs = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => (i % 2 == 0 ? Tracker : second).StartRunAsync("fresh"))));

        Assert.Equal(10, runs.Select(r => r.RunId).Distinct().Count());
        Assert.Single(await Tracker.ListExperimentsAsync());
        Assert.Equal(10, (await Tracker.SearchRunsAsync(new RunSearchQuery { ExperimentName = "fresh" })).Count);
    }
}
