using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MLOps.Monitoring.Retraining;
using MLOps.Monitoring.Retraining.Internal;
using MLOps.Monitoring.Tests.Retraining;

namespace MLOps.Monitoring.Tests.Rollouts;

/// <summary>Retrain → register → rollout: a better candidate starts a canary instead of being promoted.</summary>
public sealed class RetrainRolloutTests : IAsyncLifetime
{
    private static readonly ModelName Taxi = ModelName.Parse("taxi");
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero));
    private ServiceProvider _services = null!;
    private IModelRegistry _registry = null!;

    public async Task InitializeAsync()
    {
        _services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(_time)
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
    public async Task RunAsync_BetterCandidateWithStartRolloutWhenBetter_StartsACanaryAndKeepsTheChampion()
    {
        var analysis = new RolloutAnalysis { MinSampleSize = 50, QualityMetric = "mae" };
        ModelRetrainer<Trip, TripEstimate> retrainer = Create(p => p.StartRolloutWhenBetter(r => r.Canary(10, 50).WithAnalysis(analysis)));

        RetrainRun run = await retrainer.RunAsync(Trigger(), 1, CancellationToken.None);

        Assert.Equal(RetrainOutcome.RolloutStarted, run.Outcome);
        Rollout rollout = (await _registry.GetActiveRolloutAsync(Taxi))!;
        Assert.Equal(run.RolloutId, rollout.Id);
        Assert.Equal((RolloutStrategy.Canary, new ModelVersion(1), new ModelVersion(2)), (rollout.Strategy, rollout.Primary, rollout.Candidate));
        Assert.Equal([10, 50], rollout.Steps);
        Assert.Equal(10, rollout.CandidateWeight);
        Assert.Equal(analysis, rollout.Analysis);
        Assert.Equal(ModelRetrainer<Trip, TripEstimate>.Actor, rollout.CreatedBy);
        Assert.StartsWith("retrain (drift: dataset drift detected): r2", rollout.Decisions[0].Reason, StringComparison.Ordinal);
        Assert.Equal(new ModelVersion(1), (await _registry.ResolveAsync(ModelReference.ForAlias(Taxi, ModelAlias.Champion)))!.Version);
    }

    [Fact]
    public async Task RunAsync_WhileARolloutIsActive_FailsAndIsRetriedLikeAnyFailure()
    {
        ModelRetrainer<Trip, TripEstimate> retrainer = Create(p => p.StartRolloutWhenBetter(r => r.BlueGreen()));
        Assert.Equal(RetrainOutcome.RolloutStarted, (await retrainer.RunAsync(Trigger(), 1, CancellationToken.None)).Outcome);

        RetrainRun second = await retrainer.RunAsync(Trigger(), 1, CancellationToken.None);

        Assert.Equal(RetrainOutcome.Failed, second.Outcome);
        Assert.NotNull(second.Error);
    }

    [Fact]
    public void StartRolloutWhenBetter_NegativeMargin_IsRefused() =>
        Assert.Throws<ArgumentException>(() => new RetrainPolicyBuilder<Trip>(Taxi).StartRolloutWhenBetter(r => r.Canary(), margin: -1));

    private ModelRetrainer<Trip, TripEstimate> Create(Action<RetrainPolicyBuilder<Trip>> configure)
    {
        var policy = new RetrainPolicyBuilder<Trip>(Taxi).TrainWith(TripData.Pipeline).TrainOn(_ => new ListSource(TripData.B(1875, 5))).EvaluateRegression("r2").HoldOut(0.2, seed: 3);
        configure(policy);
        policy.Validate();
        return new ModelRetrainer<Trip, TripEstimate>(policy, _registry, null, _services, _time, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
    }

    private RetrainTrigger Trigger() => new(Taxi, RetrainTriggerKind.DatasetDrift, "dataset drift detected", _time.GetUtcNow(), "drift:test");

    private sealed class ListSource(List<Trip> rows) : ITrainingDataSource<Trip>
    {
        public ValueTask<IReadOnlyList<Trip>> LoadAsync(RetrainTrigger trigger, CancellationToken cancellationToken) => ValueTask.FromResult<IReadOnlyList<Trip>>(rows);
    }
}
