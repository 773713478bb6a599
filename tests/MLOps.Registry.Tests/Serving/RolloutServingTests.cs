using MLOps.Core.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace MLOps.Registry.Tests.Serving;

/// <summary>A model served from the file-system registry follows the registry's rollouts (issue 11 §2, §3).</summary>
public sealed class RolloutServingTests : IDisposable
{
    private static readonly ModelName House = ModelName.Parse("house");
    private static readonly HouseInput Input = TestModels.Inputs[1];
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Canary_StartedInTheRegistry_BothArmsAnswer_AdvanceGrowsTheCandidate_RollbackUnloadsIt()
    {
        await using ServiceProvider provider = await StartServingAsync(watch: false, TimeSpan.Zero);
        IModelRegistry registry = provider.GetRequiredService<IModelRegistry>();
        string[] keys = Keys(400);

        Rollout rollout = await registry.StartRolloutAsync(new StartRolloutRequest(House, new ModelVersion(2), RolloutStrategy.Canary) { Steps = [20, 60] });
        await Eventually.HoldsAsync(() => keys.Any(k => Answer(provider, k) == "candidate"), "the candidate answers");

        string[] at20 = keys.Where(k => Answer(provider, k) == "candidate").ToArray();
        Assert.All(keys, k => Assert.Contains(Answer(provider, k), new[] { "primary", "candidate" }));
        Assert.InRange(at20.Length, 1, keys.Length / 2);

        rollout = await registry.UpdateRolloutAsync(new UpdateRolloutRequest(House, rollout.Id, RolloutAction.Advanced) { Reason = "checks passed" });
        Assert.Equal(60, rollout.CandidateWeight);
        await Eventually.HoldsAsync(() => keys.Count(k => Answer(provider, k) == "candidate") > at20.Length * 2, "the candidate's share grows");
        Assert.All(at20, k => Assert.Equal("candidate", Answer(provider, k)));   // sticky as the weight grows

        await registry.UpdateRolloutAsync(new UpdateRolloutRequest(House, rollout.Id, RolloutAction.RolledBack) { Reason = "error rate" });
        await Eventually.HoldsAsync(() => keys.All(k => Answer(provider, k) == "primary"), "the primary answers every call after the rollback");
    }

    [Fact]
    public async Task Canary_Promoted_ThePrimaryServesTheCandidateVersionAndNoArmIsLeft()
    {
        await using ServiceProvider provider = await StartServingAsync(watch: false, TimeSpan.Zero);
        IModelRegistry registry = provider.GetRequiredService<IModelRegistry>();
        string[] keys = Keys(100);
        Rollout rollout = await registry.StartRolloutAsync(new StartRolloutRequest(House, new ModelVersion(2), RolloutStrategy.Canary) { Steps = [50] });
        await Eventually.HoldsAsync(() => keys.Any(k => Answer(provider, k) == "candidate"), "the candidate answers");

        await registry.UpdateRolloutAsync(new UpdateRolloutRequest(House, rollout.Id, RolloutAction.Promoted) { Reason = "better" });

        await Eventually.HoldsAsync(
            () => keys.All(k => Predict(provider, k) is { Variant: "primary" } p && p.ModelVersion == new ModelVersion(2)),
            "version 2 serves every call as the primary");
        Assert.Equal(TestModels.RawScore(TestModels.Distinct[1], Input), Predict(provider, "any").Value.Score);
    }

    [Fact]
    public async Task Rollout_StartedByAnotherProcessWithoutEvents_IsFoundByThePoll()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-07T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using ServiceProvider provider = await StartServingAsync(watch: false, MLOpsOptions.DefaultPollInterval, time);
        using FileSystemModelRegistry other = new(new FileSystemRegistryOptions { RootPath = _directory.Path, WatchForChanges = false });
        string[] keys = Keys(100);

        await other.StartRolloutAsync(new StartRolloutRequest(House, new ModelVersion(2), RolloutStrategy.BlueGreen));
        Assert.All(keys, k => Assert.Equal("primary", Answer(provider, k)));   // no event, no time passed

        time.Advance(MLOpsOptions.DefaultPollInterval);

        await Eventually.HoldsAsync(() => keys.All(k => Answer(provider, k) == "candidate"), "blue-green: the candidate answers every call");
    }

    [Fact]
    public async Task Shadow_FromTheRegistry_TheCallerGetsThePrimaryAndObserversGetTheShadowUnderTheSameId()
    {
        var observed = new System.Collections.Concurrent.ConcurrentQueue<PredictionContext<HouseInput, HousePrediction>>();
        await using ServiceProvider provider = await StartServingAsync(watch: false, TimeSpan.Zero, observer: new Observer(observed));
        IModelRegistry registry = provider.GetRequiredService<IModelRegistry>();
        await registry.StartRolloutAsync(new StartRolloutRequest(House, new ModelVersion(2), RolloutStrategy.Shadow));

        Prediction<HousePrediction> served = default;
        await Eventually.HoldsAsync(
            () =>
            {
                served = Predict(provider, "k");
                return observed.Any(c => c.IsShadow && c.Prediction.PredictionId == served.PredictionId);
            },
            "a shadow prediction observed");

        Assert.Equal((new ModelVersion(1), "primary"), (served.ModelVersion, served.Variant));
        PredictionContext<HouseInput, HousePrediction> shadow = observed.First(c => c.IsShadow && c.Prediction.PredictionId == served.PredictionId);
        Assert.Equal((new ModelVersion(2), "shadow"), (shadow.Prediction.ModelVersion, shadow.Prediction.Variant));
        Assert.Equal(TestModels.RawScore(TestModels.Distinct[1], Input), shadow.Prediction.Value.Score);
    }

    private async Task<ServiceProvider> StartServingAsync(bool watch, TimeSpan pollInterval, TimeProvider? time = null, IPredictionObserver<HouseInput, HousePrediction>? observer = null)
    {
        using (FileSystemModelRegistry admin = new(new FileSystemRegistryOptions { RootPath = _directory.Path, WatchForChanges = false }))
        {
            for (int model = 0; model < 2; model++)
            {
                await admin.RegisterVersionAsync(new RegisterVersionRequest(House, [ModelArtifact.FromBytes(TestModels.Serialize(TestModels.Distinct[model]))])
                {
                    Signature = ModelSignature.For<HouseInput, HousePrediction>(),
                });
            }

            await admin.PromoteAsync(new PromoteRequest(House, new ModelVersion(1), ModelAlias.Champion));
        }

        var services = new ServiceCollection();
        services.AddLogging();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddMLOps(o =>
            {
                o.ReloadDelay = TimeSpan.Zero;
                o.PollInterval = pollInterval;
            })
            .AddFileSystemRegistry(o =>
            {
                o.RootPath = _directory.Path;
                o.WatchForChanges = watch;
            })
            .AddModel<HouseInput, HousePrediction>("house", m =>
            {
                m.FromRegistry(alias: "champion");
                if (observer is not null)
                {
                    m.AddObserver(observer);
                }
            });
        ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        foreach (IHostedService service in provider.GetServices<IHostedService>())
        {
            await service.StartAsync(CancellationToken.None);
        }

        return provider;
    }

    private static string[] Keys(int count) => Enumerable.Range(0, count).Select(i => "customer-" + i).ToArray();

    private static Prediction<HousePrediction> Predict(IServiceProvider provider, string key) =>
        provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>().Predict(Input, key);

    /// <summary>The arm that answered, checked against its version and model.</summary>
    private static string Answer(IServiceProvider provider, string key)
    {
        Prediction<HousePrediction> p = Predict(provider, key);
        int model = p.Variant == "candidate" ? 1 : 0;
        Assert.Equal(new ModelVersion(model + 1), p.ModelVersion);
        Assert.Equal(TestModels.RawScore(TestModels.Distinct[model], Input), p.Value.Score);
        return p.Variant;
    }

    private sealed class Observer(System.Collections.Concurrent.ConcurrentQueue<PredictionContext<HouseInput, HousePrediction>> observed)
        : IPredictionObserver<HouseInput, HousePrediction>
    {
        public void OnPrediction(in PredictionContext<HouseInput, HousePrediction> context) => observed.Enqueue(context);
    }
}
