using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using MLOps.Monitoring.Retraining;
using MLOps.Monitoring.Retraining.Internal;

namespace MLOps.Monitoring.Tests.Retraining;

/// <summary>
/// Regression test for the two training paths disagreeing: <c>ModelTrainingRunner</c> reported <c>micro_accuracy</c> and no
/// <c>mse</c> while the retrainer reported <c>accuracy</c> and <c>mse</c>, and the two computed <c>DatasetDigest</c> differently.
/// </summary>
public sealed class TrainingPathsAgreementTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private ServiceProvider _services = null!;

    public Task InitializeAsync()
    {
        _services = new ServiceCollection()
            .AddLogging()
            .AddMLOps()
            .AddFileSystemRegistry(o => o.RootPath = Path.Combine(_dir.Path, "registry"))
            .AddFileSystemTracking(o => o.RootPath = Path.Combine(_dir.Path, "tracking"))
            .Services.BuildServiceProvider();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task RunnerAndRetrainer_SameData_ReportTheSameMetricNamesAndDatasetDigest()
    {
        List<Trip> rows = TripData.B(500, 5);
        var registry = _services.GetRequiredService<IModelRegistry>();
        var runner = _services.GetRequiredService<ModelTrainingRunner>();

        ModelTrainingResult trained = await runner.TrainAndRegisterAsync(
            new ModelTrainingRequest(ModelName.Parse("by-runner"), TripData.Pipeline(new MLContext(3)), ModelTrainingTask.Regression)
            {
                HoldOutFraction = 0.2,
                Seed = 3,
            },
            rows);
        var policy = new RetrainPolicyBuilder<Trip>(ModelName.Parse("by-retrainer")).TrainOn(_ => new ListSource(rows)).EvaluateRegression("r2").HoldOut(0.2, seed: 3)
            .TrainWith(TripData.Pipeline);
        policy.Validate();
        var tracker = _services.GetRequiredService<IExperimentTracker>();
        RetrainRun run = await new ModelRetrainer<Trip, TripEstimate>(
                policy, registry, tracker, _services, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)
            .RunAsync(new RetrainTrigger(ModelName.Parse("by-retrainer"), RetrainTriggerKind.DatasetDrift, "test", DateTimeOffset.UtcNow, "drift:test"), 1, CancellationToken.None);
        var retrained = await registry.GetVersionAsync(ModelName.Parse("by-retrainer"), run.CandidateVersion!.Value);

        Assert.Equal(RetrainOutcome.Promoted, run.Outcome);
        Assert.Equal(["mae", "mse", "r2", "rmse"], trained.Metrics.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(trained.Metrics.Keys.Order(StringComparer.Ordinal), run.CandidateMetrics.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(trained.Version.Lineage!.DatasetDigest, retrained!.Lineage!.DatasetDigest);
        Assert.Equal(trained.Version.Lineage.DatasetRowCount, retrained.Lineage.DatasetRowCount);

        // Both are tracked the same way: a finished run with the same parameter names, named by the lineage.
        TrackedRun byRunner = (await tracker.GetRunAsync(trained.RunId))!;
        TrackedRun byRetrainer = (await tracker.GetRunAsync(retrained.Lineage.RunId!))!;
        Assert.Equal(RunStatus.Finished, byRetrainer.Status);
        Assert.Equal(byRunner.Params.Keys.Order(StringComparer.Ordinal), byRetrainer.Params.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(byRunner.Metrics.Keys.Order(StringComparer.Ordinal), byRetrainer.Metrics.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(byRunner.Datasets.Single().Digest, byRetrainer.Datasets.Single().Digest);
    }

    [Fact]
    public void EvaluateMulticlass_OldAccuracyName_IsAnAliasOfMicroAccuracy()
    {
        Assert.Equal("micro_accuracy", RetrainEvaluator.Multiclass("accuracy", "Label").Metric);
        Assert.Equal("accuracy", RetrainEvaluator.Binary("accuracy", "Label").Metric);
    }

    private sealed class ListSource(List<Trip> rows) : ITrainingDataSource<Trip>
    {
        public ValueTask<IReadOnlyList<Trip>> LoadAsync(RetrainTrigger trigger, CancellationToken cancellationToken) => ValueTask.FromResult<IReadOnlyList<Trip>>(rows);
    }
}
