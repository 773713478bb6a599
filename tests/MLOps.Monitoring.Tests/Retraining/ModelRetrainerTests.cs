using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using MLOps.Monitoring.Retraining;
using MLOps.Monitoring.Retraining.Internal;

namespace MLOps.Monitoring.Tests.Retraining;

/// <summary>One retrain attempt against the real file-system registry: train, evaluate both, register, decide.</summary>
public sealed class ModelRetrainerTests : IAsyncLifetime
{
    private static readonly ModelName Taxi = ModelName.Parse("taxi");
    private readonly TempDirectory _dir = new();
    private ServiceProvider _services = null!;
    private IModelRegistry _registry = null!;

    public async Task InitializeAsync()
    {
        _services = new ServiceCollection()
            .AddLogging()
            .AddMLOps()
            .AddFileSystemRegistry(o => o.RootPath = _dir.Path)
            .Services.BuildServiceProvider();
        _registry = _services.GetRequiredService<IModelRegistry>();
        var v1 = await _registry.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes(TripData.Save(TripData.Train(TripData.A(2000, 1))))]));
        await _registry.PromoteAsync(new PromoteRequest(Taxi, v1.Version, ModelAlias.Champion) { Reason = "first model" });
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task RunAsync_BetterCandidate_IsRegisteredWithLineageAndPromoted()
    {
        var retrainer = Create(p => p.TrainWith(TripData.Pipeline));

        var run = await retrainer.RunAsync(Trigger(), 1, CancellationToken.None);

        Assert.Equal(RetrainOutcome.Promoted, run.Outcome);
        Assert.Equal(new ModelVersion(1), run.ChampionVersion);
        Assert.Equal(new ModelVersion(2), run.CandidateVersion);
        Assert.True(run.CandidateMetrics["r2"] > run.ChampionMetrics["r2"], $"{run.CandidateMetrics["r2"]} vs {run.ChampionMetrics["r2"]}");
        Assert.True(run.CandidateMetrics["r2"] > 0.9);
        var champion = await _registry.ResolveAsync(ModelReference.ForAlias(Taxi, ModelAlias.Champion));
        Assert.Equal(new ModelVersion(2), champion!.Version);
        Assert.Equal(new ModelVersion(1), champion.Lineage!.ParentVersion);
        Assert.Equal("drift", champion.Lineage.Trigger);
        Assert.Equal(1875, champion.Lineage.DatasetRowCount);
        Assert.StartsWith("sha256:", champion.Lineage.DatasetDigest, StringComparison.Ordinal);
        Assert.Equal(run.CandidateMetrics["r2"], champion.Metrics["r2"]);
        Assert.Equal("true", champion.Tags["mlops.retrain.better_than_champion"]);
        Assert.NotNull(champion.Signature);
        var history = await _registry.GetAliasHistoryAsync(Taxi, ModelAlias.Champion);
        Assert.Contains(history, h => h.Reason is { } reason && reason.Contains("r2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_WorseCandidate_IsRegisteredButNeverPromoted()
    {
        // Trained on data whose label is noise: worse than the champion on any hold-out.
        var retrainer = Create(p => p.TrainWith(ml => ml.Transforms.Concatenate("Features", nameof(Trip.Hour))
            .Append(ml.Regression.Trainers.Sdca(labelColumnName: "Label", maximumNumberOfIterations: 5))), data: TripData.A(1500, 7));

        var run = await retrainer.RunAsync(Trigger(), 1, CancellationToken.None);

        Assert.Equal(RetrainOutcome.Rejected, run.Outcome);
        Assert.True(run.CandidateMetrics["r2"] < run.ChampionMetrics["r2"]);
        Assert.Equal(new ModelVersion(1), (await _registry.ResolveAsync(ModelReference.ForAlias(Taxi, ModelAlias.Champion)))!.Version);
        var candidate = await _registry.GetVersionAsync(Taxi, run.CandidateVersion!.Value);
        Assert.Equal("false", candidate!.Tags["mlops.retrain.better_than_champion"]);
    }

    [Fact]
    public async Task RunAsync_MarginNotMet_IsRejected()
    {
        var retrainer = Create(p => p.TrainWith(TripData.Pipeline).PromoteWhenBetter(margin: 10), data: TripData.A(1500, 3));

        var run = await retrainer.RunAsync(Trigger(), 1, CancellationToken.None);

        Assert.Equal(RetrainOutcome.Rejected, run.Outcome);
    }

    [Fact]
    public async Task RunAsync_ChallengerPolicy_SetsTheChallengerAliasOnly()
    {
        var retrainer = Create(p => p.TrainWith(TripData.Pipeline).SetChallengerWhenBetter());

        var run = await retrainer.RunAsync(Trigger(), 1, CancellationToken.None);

        Assert.Equal(RetrainOutcome.Challenger, run.Outcome);
        Assert.Equal(new ModelVersion(2), (await _registry.ResolveAsync(ModelReference.ForAlias(Taxi, ModelAlias.Challenger)))!.Version);
        Assert.Equal(new ModelVersion(1), (await _registry.ResolveAsync(ModelReference.ForAlias(Taxi, ModelAlias.Champion)))!.Version);
    }

    [Fact]
    public async Task RunAsync_ApprovalPolicy_RequestsAnApproval()
    {
        var retrainer = Create(p => p.TrainWith(TripData.Pipeline).RequireApprovalWhenBetter());

        var run = await retrainer.RunAsync(Trigger(), 1, CancellationToken.None);

        Assert.Equal(RetrainOutcome.ApprovalRequested, run.Outcome);
        var approval = Assert.Single(await _registry.ListApprovalsAsync(Taxi));
        Assert.Equal(new ModelVersion(2), approval.Version);
        Assert.Equal(new ModelVersion(1), (await _registry.ResolveAsync(ModelReference.ForAlias(Taxi, ModelAlias.Champion)))!.Version);
    }

    [Fact]
    public async Task RunAsync_TrainerThrows_FailsWithTheErrorAndRegistersNothing()
    {
        var retrainer = Create(p => p.TrainWith(_ => throw new InvalidOperationException("feature store unreachable")));

        var run = await retrainer.RunAsync(Trigger(), 2, CancellationToken.None);

        Assert.Equal(RetrainOutcome.Failed, run.Outcome);
        Assert.Equal(2, run.Attempt);
        Assert.Contains("feature store unreachable", run.Error, StringComparison.Ordinal);
        Assert.Single(await _registry.ListVersionsAsync(Taxi));
    }

    [Fact]
    public async Task RunAsync_TrainerHangs_FailsWithATimeout()
    {
        var retrainer = Create(p => p.TrainWith<HangingTrainer>().TrainingTimeout(TimeSpan.FromMilliseconds(200)));

        var run = await retrainer.RunAsync(Trigger(), 1, CancellationToken.None);

        Assert.Equal(RetrainOutcome.Failed, run.Outcome);
        Assert.StartsWith("TimeoutException", run.Error, StringComparison.Ordinal);
        Assert.Single(await _registry.ListVersionsAsync(Taxi));
    }

    [Fact]
    public async Task RunAsync_ModelWithAnotherSchema_FailsClearly()
    {
        // Produces no Score column: it cannot serve Trip -> TripEstimate.
        var retrainer = Create(p => p.TrainWith(ml => ml.Transforms.Concatenate("Features", nameof(Trip.Distance))));

        var run = await retrainer.RunAsync(Trigger(), 1, CancellationToken.None);

        Assert.Equal(RetrainOutcome.Failed, run.Outcome);
        Assert.Contains("does not map Trip to TripEstimate", run.Error, StringComparison.Ordinal);
        Assert.Single(await _registry.ListVersionsAsync(Taxi));
    }

    [Fact]
    public async Task RunAsync_EmptyTrainingData_FailsClearly()
    {
        var retrainer = Create(p => p.TrainWith(TripData.Pipeline), data: []);

        var run = await retrainer.RunAsync(Trigger(), 1, CancellationToken.None);

        Assert.Equal(RetrainOutcome.Failed, run.Outcome);
        Assert.Contains("0 rows", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Policy_Incomplete_FailsAtRegistrationNamingWhatIsMissing()
    {
        var services = new ServiceCollection();
        var e = Assert.Throws<InvalidOperationException>(() => services.AddMLOps()
            .AddModel<Trip, TripEstimate>("taxi", m => m.WithRetrainPolicy(r => r.OnDatasetDrift())));

        Assert.Contains("TrainWith", e.Message, StringComparison.Ordinal);
        Assert.Contains("TrainOn", e.Message, StringComparison.Ordinal);
        Assert.Contains("EvaluateRegression", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new RetrainPolicyBuilder<Trip>(Taxi).EvaluateRegression("auc"));
        Assert.Throws<ArgumentException>(() => new RetrainPolicyBuilder<Trip>(Taxi).OnSchedule("every monday"));
        Assert.Throws<ArgumentException>(() => new RetrainPolicyBuilder<Trip>(Taxi).PromoteWhenBetter(margin: double.NaN));
    }

    [Fact]
    public async Task RunAsync_WithTracker_RecordsTheAttemptAsARunThatTheLineageNames()
    {
        var tracker = new FileSystemExperimentTracker(new FileSystemTrackingOptions { RootPath = Path.Combine(_dir.Path, "tracking") });
        var retrainer = Create(p => p.TrainWith(TripData.Pipeline), tracker: tracker);

        var run = await retrainer.RunAsync(Trigger(), 1, CancellationToken.None);

        Assert.Equal(RetrainOutcome.Promoted, run.Outcome);
        var version = await _registry.GetVersionAsync(Taxi, run.CandidateVersion!.Value);
        Assert.NotNull(run.RunId);
        Assert.Equal(run.RunId, version!.Lineage!.RunId);
        Assert.Equal(run.RunId, version.Tags["mlops.run_id"]);
        var tracked = await tracker.GetRunAsync(run.RunId);
        Assert.NotNull(tracked);
        Assert.Equal(RunStatus.Finished, tracked.Status);
        Assert.Equal("taxi", tracked.ExperimentName);
        Assert.Equal(run.CandidateMetrics["r2"], tracked.Metrics["r2"]);
        Assert.Equal(["mae", "mse", "r2", "rmse"], tracked.Metrics.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("0.2", tracked.Params["holdout_fraction"]);
        Assert.Equal("1875", tracked.Params["dataset_rows"]);
        Assert.Equal("Regression", tracked.Params["task"]);
        var dataset = Assert.Single(tracked.Datasets);
        Assert.Equal(version.Lineage.DatasetDigest, dataset.Digest);
        Assert.Equal(1875, dataset.RowCount);
        Assert.Equal("drift", tracked.Tags["mlops.trigger"]);
        Assert.Equal("2", tracked.Tags["mlops.registered_version"]);
        Assert.Equal("true", tracked.Tags["mlops.retrain.better_than_champion"]);
        Assert.Equal(run.ChampionMetrics["r2"].ToString("R", System.Globalization.CultureInfo.InvariantCulture), tracked.Tags["mlops.retrain.champion.r2"]);
        Assert.Equal("promoted", tracked.Tags["mlops.retrain.outcome"]);
        Assert.Contains(await tracker.ListArtifactsAsync(run.RunId), a => a.Path == ModelArtifact.DefaultPath);
    }

    [Fact]
    public async Task RunAsync_WithTrackerTrainerThrows_EndsTheRunFailed()
    {
        var tracker = new FileSystemExperimentTracker(new FileSystemTrackingOptions { RootPath = Path.Combine(_dir.Path, "tracking") });
        var retrainer = Create(p => p.TrainWith(_ => throw new InvalidOperationException("feature store unreachable")), tracker: tracker);

        var run = await retrainer.RunAsync(Trigger(), 1, CancellationToken.None);

        Assert.Equal(RetrainOutcome.Failed, run.Outcome);
        var tracked = await tracker.GetRunAsync(run.RunId!);
        Assert.Equal(RunStatus.Failed, tracked!.Status);
        Assert.Contains("feature store unreachable", tracked.Error, StringComparison.Ordinal);
        Assert.Equal("failed", tracked.Tags["mlops.retrain.outcome"]);
        Assert.Single(await _registry.ListVersionsAsync(Taxi));
    }

    [Fact]
    public async Task RunAsync_WithoutTracker_LineageHasNoRunId()
    {
        // Regression test: the retrainer used to write a made-up "retrain-<guid>" run id that named no run.
        var retrainer = Create(p => p.TrainWith(TripData.Pipeline));

        var run = await retrainer.RunAsync(Trigger(), 1, CancellationToken.None);

        var version = await _registry.GetVersionAsync(Taxi, run.CandidateVersion!.Value);
        Assert.Null(run.RunId);
        Assert.Null(version!.Lineage!.RunId);
        Assert.False(version.Tags.ContainsKey("mlops.run_id"));
        Assert.Equal("drift", version.Lineage.Trigger);
    }

    private ModelRetrainer<Trip, TripEstimate> Create(Action<RetrainPolicyBuilder<Trip>> configure, List<Trip>? data = null, IExperimentTracker? tracker = null)
    {
        var policy = new RetrainPolicyBuilder<Trip>(Taxi).TrainOn(_ => new ListSource(data ?? TripData.B(1875, 5))).EvaluateRegression("r2").HoldOut(0.2, seed: 3);
        configure(policy);
        policy.Validate();
        return new ModelRetrainer<Trip, TripEstimate>(
            policy, _registry, tracker, _services, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
    }

    private static RetrainTrigger Trigger() =>
        new(Taxi, RetrainTriggerKind.DatasetDrift, "dataset drift detected", DateTimeOffset.UtcNow, "drift:test");

    private sealed class ListSource(List<Trip> rows) : ITrainingDataSource<Trip>
    {
        public ValueTask<IReadOnlyList<Trip>> LoadAsync(RetrainTrigger trigger, CancellationToken cancellationToken) => ValueTask.FromResult<IReadOnlyList<Trip>>(rows);
    }

    private sealed class HangingTrainer : IModelTrainer<Trip>
    {
        public async Task<ITransformer> TrainAsync(ModelTrainingContext context, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, CancellationToken.None);   // ignores cancellation, like a stuck Fit
            throw new InvalidOperationException("unreachable");
        }
    }
}
