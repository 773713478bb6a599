using Microsoft.Extensions.DependencyInjection;
using MLOps.Internal;

namespace MLOps.Core.Tests.Support;

/// <summary>A started model "house" served through a <see cref="TestRolloutSource"/>, with helpers to apply rollouts.</summary>
internal sealed class RolloutHarness : IAsyncDisposable
{
    public static readonly ModelName House = ModelName.Parse("house");

    private RolloutHarness(ServiceProvider provider, TestRolloutSource source)
    {
        Provider = provider;
        Source = source;
        Client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        Catalog = provider.GetRequiredService<IModelCatalog>();
        Runtime = provider.GetRequiredKeyedService<ModelRuntime<HouseInput, HousePrediction>>("house");
    }

    public ServiceProvider Provider { get; }

    public TestRolloutSource Source { get; }

    public IModelClient<HouseInput, HousePrediction> Client { get; }

    public IModelCatalog Catalog { get; }

    internal ModelRuntime<HouseInput, HousePrediction> Runtime { get; }

    public static async Task<RolloutHarness> StartAsync(
        Rollout? rollout,
        Action<RolloutServingBuilder<HouseInput>>? rollouts = null,
        Action<ModelServingBuilder<HouseInput, HousePrediction>>? model = null,
        Action<TestRolloutSource>? setup = null)
    {
        var source = new TestRolloutSource(primary: 1);
        setup?.Invoke(source);
        source.SetRollout(rollout);
        ServiceProvider provider = Services.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m =>
        {
            m.FromSource(_ => source);
            if (rollouts is not null)
            {
                m.WithRollouts(rollouts);
            }

            model?.Invoke(m);
        }));
        await Services.StartAsync(provider);
        return new RolloutHarness(provider, source);
    }

    /// <summary>Publishes <paramref name="rollout"/> and reloads, as a change event or the poll would.</summary>
    public async Task ApplyAsync(Rollout? rollout)
    {
        Source.SetRollout(rollout);
        await Catalog.ReloadAsync(House);
    }

    public Task ReloadAsync() => Catalog.ReloadAsync(House);

    public ValueTask DisposeAsync() => Provider.DisposeAsync();
}
