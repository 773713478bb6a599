using Microsoft.Extensions.DependencyInjection;
using MLOps.Core.Tests.Support;
using MLOps.Monitoring.Batch;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Registry.Postgres.Internal;

namespace MLOps.Registry.Tests.Postgres;

/// <summary>
/// The PostgreSQL parts without an HTTP endpoint (the registry's API, experiment tracking, the prediction log's reads and a
/// batch monitoring job) while a real server (<see cref="ThrowawayPostgres"/>) is stopped, and right after it is started
/// again: a clear error while it is down, and the very first call afterwards works (the pool's stale connections from
/// before the restart are not handed to the caller). The HTTP side is in MLOps.AspNetCore.Tests/Outage.
/// </summary>
public sealed class PostgresRestartTests
{
    private static readonly ModelName House = ModelName.Parse("house");

    [Fact]
    public async Task RegistryTrackerAndBatchJob_ServerStoppedThenStarted_StorageErrorsThenTheFirstCallAfterItWorks()
    {
        await using ThrowawayPostgres postgres = await ThrowawayPostgres.StartAsync();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMLOps()
            .AddPostgresRegistry(o =>
            {
                o.ConnectionString = postgres.ConnectionString + ";Timeout=5";
                o.Schema = "restart";
                o.ListenForNotifications = false;
                o.PollInterval = TimeSpan.Zero;
            })
            .AddPostgresTracking()
            .AddPostgresPredictionLog()
            .AddBatchMonitoring();
        await using ServiceProvider provider = services.BuildServiceProvider();
        IModelRegistry registry = provider.GetRequiredService<IModelRegistry>();
        IExperimentTracker tracker = provider.GetRequiredService<IExperimentTracker>();
        IPredictionLog log = provider.GetRequiredService<IPredictionLog>();
        IBatchMonitor batch = provider.GetRequiredService<IBatchMonitor>();
        DateTimeOffset start = DateTimeOffset.UtcNow.AddMinutes(-1);

        // Up: every part has used (and pooled) connections.
        await registry.RegisterVersionAsync(new RegisterVersionRequest(House, [ModelArtifact.FromBytes(TestModels.Serialize(TestModels.Distinct[0]))]));
        TrackedRun run = await tracker.StartRunAsync("outage");
        await tracker.LogMetricAsync(run.RunId, "loss", 1.0, 0);
        PredictionRecord[] records = [.. Enumerable.Range(0, 5).Select(i => new PredictionRecord(
            PredictionId.NewId(), House, new ModelVersion(1), "primary", start.AddSeconds(i), i, double.NaN, null, null))];
        await log.AppendAsync(records);
        var request = new BatchMonitoringRequest(House, start, start.AddHours(1));
        Assert.Equal(5, (await batch.RunAsync(request)).Rows);

        await postgres.StopAsync();

        Assert.Equal(RegistryErrorCode.Storage, (await Assert.ThrowsAsync<ModelRegistryException>(() => registry.GetModelAsync(House))).ErrorCode);
        Assert.Equal(RegistryErrorCode.Storage, (await Assert.ThrowsAsync<ModelRegistryException>(
            () => registry.PromoteAsync(new PromoteRequest(House, new ModelVersion(1), ModelAlias.Champion)))).ErrorCode);
        Assert.Equal(RegistryErrorCode.Storage, (await Assert.ThrowsAsync<ModelRegistryException>(() => tracker.LogMetricAsync(run.RunId, "loss", 0.5, 1))).ErrorCode);
        Assert.Equal(RegistryErrorCode.Storage, (await Assert.ThrowsAsync<ModelRegistryException>(() => tracker.GetRunAsync(run.RunId))).ErrorCode);
        await log.AppendAsync([records[0] with { PredictionId = PredictionId.NewId() }]);   // never throws: held or counted
        Exception batchFailure = await Assert.ThrowsAnyAsync<Exception>(() => batch.RunAsync(request));
        Assert.True(batchFailure is ModelRegistryException { ErrorCode: RegistryErrorCode.Storage }, $"batch job while down: {batchFailure}");

        await postgres.StartServerAsync();

        // The first call of each part after the restart works (each pool still held connections to the old server).
        Assert.Equal(1.0, (await tracker.GetRunAsync(run.RunId))!.Metrics["loss"]);
        await tracker.LogMetricAsync(run.RunId, "loss", 0.5, 1);
        Assert.NotNull(await registry.GetModelAsync(House));
        await registry.PromoteAsync(new PromoteRequest(House, new ModelVersion(1), ModelAlias.Champion));
        Assert.Equal(5, (await batch.RunAsync(request)).Rows);

        // A fast restart with nothing in between to clear the pool: the first call meets a stale connection itself.
        await postgres.RestartAsync();
        await tracker.LogMetricAsync(run.RunId, "loss", 0.25, 2);   // a write whose first command finds the connection gone
        Assert.Equal(0.25, (await tracker.GetRunAsync(run.RunId))!.Metrics["loss"]);
        await postgres.RestartAsync();
        await registry.PromoteAsync(new PromoteRequest(House, new ModelVersion(1), ModelAlias.Challenger));   // the same for a registry write
        await postgres.RestartAsync();
        Assert.NotNull(await registry.GetModelAsync(House));   // and a registry read
    }

    /// <summary>
    /// Every operation of the fleet's stores on the pool (prediction log reads and maintenance, feedback, the quality queue
    /// and its windows, fleet drift) after a fast restart that leaves the pool holding a connection to the old server: a
    /// repeatable one works at its first call; one that may not be repeated (a claim) fails clearly, and the call after
    /// it works, because the failure cleared the pool.
    /// </summary>
    [Fact]
    public async Task FleetStores_FastRestartBeforeEachCall_RepeatableOperationsWorkFirstTimeAClaimFailsOnceThenWorks()
    {
        await using ThrowawayPostgres postgres = await ThrowawayPostgres.StartAsync();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMLOps().AddPostgresMonitoring(postgres.ConnectionString + ";Timeout=5");
        services.Configure<PostgresRegistryOptions>(o => o.Schema = "restart_fleet");
        await using ServiceProvider provider = services.BuildServiceProvider();
        IPredictionLog log = provider.GetRequiredService<IPredictionLog>();
        IFeedbackLog feedback = provider.GetRequiredService<IFeedbackLog>();
        IFleetFeedbackQueue queue = provider.GetRequiredService<IFleetFeedbackQueue>();
        IFleetDriftStore drift = provider.GetRequiredService<IFleetDriftStore>();
        PostgresPredictionLog maintenance = provider.GetRequiredService<PostgresPredictionLog>();
        var prediction = new PredictionRecord(PredictionId.NewId(), House, new ModelVersion(1), "primary", DateTimeOffset.UtcNow, 42, double.NaN, null, null);
        var truth = new FeedbackRecord(prediction.PredictionId, GroundTruth.FromNumber(40), DateTimeOffset.UtcNow);
        await log.AppendAsync([prediction]);
        Assert.NotNull(await log.FindAsync(prediction.PredictionId));   // up: the pool holds a connection
        var term = Guid.NewGuid();

        await postgres.RestartAsync();
        Assert.NotNull(await log.FindAsync(prediction.PredictionId));
        await postgres.RestartAsync();
        Assert.True(await feedback.TryAppendAsync(truth));
        await postgres.RestartAsync();
        Assert.True(await queue.TryEnqueueAsync(prediction, truth));
        await postgres.RestartAsync();
        IReadOnlyList<QueuedFeedback> queued = await queue.ReadAsync(term, includeOtherJoiners: false, limit: 10);
        Assert.Single(queued);
        await postgres.RestartAsync();
        Assert.Empty(await queue.ReadPublishedAsync(House, 10));
        await postgres.RestartAsync();
        Assert.Null(await drift.GetLatestReportAsync(House));
        await postgres.RestartAsync();
        Assert.Empty(await drift.GetCompleteBucketsAsync());
        await postgres.RestartAsync();
        Assert.Equal(0, await drift.DeleteExpiredAsync(TimeSpan.FromDays(1)));
        await postgres.RestartAsync();
        Assert.Empty(await maintenance.RunMaintenanceAsync());
        await postgres.RestartAsync();
        int streamed = 0;
        await foreach (LoggedPrediction row in provider.GetRequiredService<IPredictionLogReader>().ReadAsync(House, prediction.Timestamp.AddMinutes(-1), prediction.Timestamp.AddMinutes(1)))
        {
            Assert.Equal(prediction.PredictionId, row.Prediction.PredictionId);
            Assert.Equal(40, row.Actual!.Value.Number);
            streamed++;
        }

        Assert.Equal(1, streamed);   // the batch jobs' streaming read: its cursor is opened again on a fresh connection

        // A claim is not repeated (a claim committed before its answer was lost would not match a second time).
        await postgres.RestartAsync();
        await Assert.ThrowsAnyAsync<Exception>(async () => await queue.ClaimAsync(term, queued));
        Assert.Equal([queued[0].Position], await queue.ClaimAsync(term, queued));   // the pool was cleared: the next call works
        await postgres.RestartAsync();
        await queue.ReleaseAsync(term, null);
        Assert.Null(Assert.Single(await queue.ReadAsync(Guid.NewGuid(), includeOtherJoiners: false, limit: 10)).JoinedBy);
    }
}
