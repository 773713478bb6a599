using MLOps.Core.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MLOps.Registry.Tests.Support;

namespace MLOps.Registry.Tests.Postgres;

/// <summary>
/// Issue 11 §1–§2 across replicas: a canary started through one replica's PostgreSQL registry reaches a second replica (its
/// own service provider on the same schema) through NOTIFY alone, which then routes every key to the same arm as the first
/// (same weights, same sticky buckets), follows the advance, and stops routing to the candidate once it is rolled back.
/// </summary>
public sealed class PostgresRolloutServingTests
{
    private static readonly ModelName House = ModelName.Parse("house");
    private static readonly HouseInput Input = TestModels.Inputs[1];

    [Fact]
    public async Task Canary_StartedThroughOneReplica_TheOtherRoutesTheSameKeysToTheSameArmsAfterTheNotify_AndStopsAfterTheRollback()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        await using ServiceProvider first = Replica(schema);
        IModelRegistry registry = first.GetRequiredService<IModelRegistry>();
        for (int model = 0; model < 2; model++)
        {
            await registry.RegisterVersionAsync(new RegisterVersionRequest(House, [ModelArtifact.FromBytes(TestModels.Serialize(TestModels.Distinct[model]))])
            {
                Signature = ModelSignature.For<HouseInput, HousePrediction>(),
            });
        }

        await registry.PromoteAsync(new PromoteRequest(House, new ModelVersion(1), ModelAlias.Champion));
        await StartAsync(first);
        await using ServiceProvider second = Replica(schema);
        await StartAsync(second);
        var listening = second.GetRequiredService<PostgresModelRegistry>();
        await Eventually.HoldsAsync(() => listening.Listener is { BackendProcessId: > 0 }, "the second replica listens");
        string[] keys = [.. Enumerable.Range(0, 400).Select(i => "customer-" + i)];
        Assert.All(keys, k => Assert.Equal("primary", Answer(second, k)));

        // Polls are off in both replicas: the second learns of the rollout from NOTIFY alone.
        Rollout rollout = await registry.StartRolloutAsync(new StartRolloutRequest(House, new ModelVersion(2), RolloutStrategy.Canary) { Steps = [20, 60] });

        string[] at20 = await SameArmsAsync(first, second, keys, "both replicas route by the 20 % canary");
        Assert.InRange(at20.Length, 1, keys.Length / 2);

        rollout = await registry.UpdateRolloutAsync(new UpdateRolloutRequest(House, rollout.Id, RolloutAction.Advanced) { Reason = "checks passed" });
        string[] at60 = await SameArmsAsync(first, second, keys, "both replicas route by the 60 % step", minCandidates: at20.Length + 1);
        Assert.Subset(at60.ToHashSet(), at20.ToHashSet());   // sticky: a key on the candidate stays there as the weight grows

        await registry.UpdateRolloutAsync(new UpdateRolloutRequest(House, rollout.Id, RolloutAction.RolledBack) { Reason = "error rate" });

        await Eventually.HoldsAsync(() => keys.All(k => Answer(second, k) == "primary"), "the second replica answers every call with the primary after the rollback");
        await Eventually.HoldsAsync(() => keys.All(k => Answer(first, k) == "primary"), "the first replica too");
        Assert.Equal(RolloutState.RolledBack, (await second.GetRequiredService<IModelRegistry>().GetRolloutAsync(House, rollout.Id))!.State);
    }

    /// <summary>Waits until both replicas route every key to the same arm with at least <paramref name="minCandidates"/> on the candidate; returns those keys.</summary>
    private static async Task<string[]> SameArmsAsync(IServiceProvider first, IServiceProvider second, string[] keys, string what, int minCandidates = 1)
    {
        string[] candidates = [];
        await Eventually.HoldsAsync(
            () =>
            {
                string[] a = [.. keys.Where(k => Answer(first, k) == "candidate")];
                string[] b = [.. keys.Where(k => Answer(second, k) == "candidate")];
                candidates = a;
                return a.Length >= minCandidates && a.SequenceEqual(b);
            },
            what);
        return candidates;
    }

    private static ServiceProvider Replica(TestSchema schema)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMLOps(o =>
            {
                o.ReloadDelay = TimeSpan.Zero;
                o.PollInterval = TimeSpan.Zero;
            })
            .AddPostgresRegistry(o =>
            {
                o.ConnectionString = schema.ConnectionString;
                o.Schema = schema.Name;
                o.ListenForNotifications = true;
                o.PollInterval = TimeSpan.Zero;
                o.DefaultActor = "replica";
            })
            .AddModel<HouseInput, HousePrediction>("house", m => m.FromRegistry(alias: "champion"));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static async Task StartAsync(IServiceProvider provider)
    {
        foreach (IHostedService service in provider.GetServices<IHostedService>())
        {
            await service.StartAsync(CancellationToken.None);
        }
    }

    /// <summary>The arm that answered, checked against its version and model.</summary>
    private static string Answer(IServiceProvider provider, string key)
    {
        Prediction<HousePrediction> p = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>().Predict(Input, key);
        int model = p.Variant == "candidate" ? 1 : 0;
        Assert.Equal(new ModelVersion(model + 1), p.ModelVersion);
        Assert.Equal(TestModels.RawScore(TestModels.Distinct[model], Input), p.Value.Score);
        return p.Variant;
    }
}
