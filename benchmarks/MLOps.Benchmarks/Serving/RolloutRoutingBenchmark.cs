using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using MLOps.Internal.Rollouts;

namespace MLOps.Benchmarks.Serving;

/// <summary>
/// Cost of routing during a rollout: <see cref="IModelClient{TIn, TOut}.Predict(TIn)"/> with no rollout (baseline) against
/// the same call during an active 10 % canary, with a sticky key (hashed with XxHash3) and without one (a random draw).
/// Both arms serve the same tiny model, so the difference is the routing alone. Target: at most 25 ns more, 0 B.
/// Also the same call during a shadow rollout mirroring 100 % of requests: what the caller pays to hand each request to
/// the mirror queue (the shadow predicts on its own worker, off the caller's path; a full queue drops the copy).
/// </summary>
[MemoryDiagnoser]
public class RolloutRoutingBenchmark
{
    private const string Key = "customer-42";   // bucket 6596 of "rollout-1": stays on the primary at 10 %, as 90 % of keys do

    private ServiceProvider _plain = null!;
    private ServiceProvider _canary = null!;
    private IModelClient<TripInput, TripPrediction> _plainClient = null!;
    private IModelClient<TripInput, TripPrediction> _canaryClient = null!;
    private ServiceProvider _shadow = null!;
    private IModelClient<TripInput, TripPrediction> _shadowClient = null!;

    [GlobalSetup]
    public void Setup()
    {
        ITransformer model = BenchModel.Train(ModelSize.Tiny);
        (_plain, _plainClient) = Build(model, rollout: null);
        (_canary, _canaryClient) = Build(model, new Rollout
        {
            Id = "rollout-1",
            Name = ModelName.Parse("trip-duration"),
            Alias = ModelAlias.Champion,
            Strategy = RolloutStrategy.Canary,
            Primary = new ModelVersion(1),
            Candidate = new ModelVersion(2),
            Steps = [10, 25, 50],
            CandidateWeight = 10,
            State = RolloutState.Progressing,
            Revision = 1,
        });
        (_shadow, _shadowClient) = Build(model, new Rollout
        {
            Id = "rollout-2",
            Name = ModelName.Parse("trip-duration"),
            Alias = ModelAlias.Champion,
            Strategy = RolloutStrategy.Shadow,
            Primary = new ModelVersion(1),
            Candidate = new ModelVersion(2),
            Steps = [100],
            CandidateWeight = 100,
            State = RolloutState.Progressing,
            Revision = 1,
        });
        if (_canaryClient.Predict(BenchModel.Input, Key).Variant != "primary")
        {
            throw new InvalidOperationException("The sticky key should stay on the primary at 10 %.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plain.Dispose();
        _canary.Dispose();
        _shadow.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Predict, no rollout")]
    public TripPrediction NoRollout() => _plainClient.Predict(BenchModel.Input).Value;

    [Benchmark(Description = "Predict, 10 % canary, sticky key")]
    public TripPrediction CanaryWithKey() => _canaryClient.Predict(BenchModel.Input, Key).Value;

    [Benchmark(Description = "Predict, 10 % canary, no key (random)")]
    public TripPrediction CanaryWithoutKey() => _canaryClient.Predict(BenchModel.Input).Value;

    [Benchmark(Description = "Predict, 100 % shadow")]
    public TripPrediction Shadow() => _shadowClient.Predict(BenchModel.Input).Value;

    private static (ServiceProvider, IModelClient<TripInput, TripPrediction>) Build(ITransformer model, Rollout? rollout)
    {
        var services = new ServiceCollection();
        services.AddMLOps().AddModel<TripInput, TripPrediction>("trip-duration", m => m.FromSource(_ => new BenchRolloutSource(model, rollout)));
        ServiceProvider provider = services.BuildServiceProvider();
        provider.GetRequiredService<IModelCatalog>().ReloadAsync(ModelName.Parse("trip-duration")).GetAwaiter().GetResult();
        return (provider, provider.GetRequiredService<IModelClient<TripInput, TripPrediction>>());
    }

    /// <summary>Serves one model as every version, with a fixed active rollout (the registry's role, without I/O).</summary>
    private sealed class BenchRolloutSource(ITransformer model, Rollout? rollout) : ModelSource, IRolloutSource
    {
        public override string Description => "benchmark rollout source";

        public bool FollowsRollouts => true;

        public override ValueTask<LoadedModel?> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(context.CurrentFingerprint == "v1" ? null : new LoadedModel(model, new ModelVersion(1), "v1", ownsModel: false));

        public Task<Rollout?> GetActiveRolloutAsync(CancellationToken cancellationToken) => Task.FromResult(rollout);

        public ValueTask<LoadedModel> LoadVersionAsync(ModelVersion version, ModelLoadContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new LoadedModel(model, version, "v" + version.Number, ownsModel: false));
    }
}
