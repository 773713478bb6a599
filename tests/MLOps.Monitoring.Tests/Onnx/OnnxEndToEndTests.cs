using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Drift.Internal;
using MLOps.Monitoring.Profiles;

namespace MLOps.Monitoring.Tests.Onnx;

public sealed class FareRide
{
    public float Distance { get; set; }

    public float Passengers { get; set; }

    public float Hour { get; set; }
}

public sealed class FareQuote
{
    public float Fare { get; set; }
}

/// <summary>
/// A model trained outside ML.NET (PyTorch, exported to ONNX) through the whole serving pipeline: registered in a
/// file-system registry, served from the champion alias, monitored for drift on its inputs, and hot-swapped to a second
/// version when it is promoted.
/// </summary>
public sealed class OnnxEndToEndTests : IAsyncLifetime
{
    private static readonly ModelName Fare = ModelName.Parse("fare");
    private readonly TempDirectory _dir = new();
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        await using (var seed = new ServiceCollection().AddLogging().AddMLOps().AddFileSystemRegistry(o => o.RootPath = _dir.Path).Services.BuildServiceProvider())
        {
            var registry = seed.GetRequiredService<IModelRegistry>();
            RegisteredModelVersion v1 = await registry.RegisterVersionAsync(
                new RegisterVersionRequest(Fare, [ModelArtifact.FromFile(OnnxFixtures.PathOf(OnnxFixtures.FareV1))])
                {
                    ReferenceProfile = RegistryReferenceProfileProvider.ToBlob(ReferenceProfile.Create(City(2000, seed: 1))),
                });
            Assert.Equal("fare_v1.onnx", v1.PrimaryArtifactPath);   // the extension records the format
            await registry.PromoteAsync(new PromoteRequest(Fare, v1.Version, ModelAlias.Champion) { Reason = "exported from PyTorch" });
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMLOps(o => o.ReloadDelay = TimeSpan.Zero)
            .AddFileSystemRegistry(o => o.RootPath = _dir.Path)
            .AddModel<FareRide, FareQuote>("fare", m => m
                .FromRegistry(alias: "champion")
                .WithDriftMonitoring(d => d.WindowSize(200)));
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task OnnxModel_RegisteredServedFromAliasMonitoredForDriftAndHotSwappedOnPromotion()
    {
        var client = _host.Services.GetRequiredService<IModelClient<FareRide, FareQuote>>();
        var catalog = _host.Services.GetRequiredService<IModelCatalog>();
        var reports = new ConcurrentQueue<DriftReport>();
        using IDisposable subscription = _host.Services.GetRequiredService<IDriftMonitor>().Subscribe(reports.Enqueue);

        ServedModel served = catalog.Find(Fare)!;
        Assert.Equal(ModelFormats.Onnx, served.Format);
        Assert.Equal(["distance", "passengers", "hour"], served.Signature!.Inputs.Select(c => c.Name));

        // City traffic (the reference's distribution): exactly one window of fixed rides once drift monitoring has its
        // reference. Sending batches until a report shows up made the number of windows, and so the chance of a 5 %
        // false positive on one of them, depend on how fast the reference loaded (a busy CI machine saw one).
        client.Predict(City(1, seed: 9)[0]);   // the first prediction of a version asks the registry for its reference profile
        await Eventually.HoldsAsync(() => Window() is not null, "drift monitoring to load the reference profile");
        foreach (FareRide ride in City(200, seed: 10))
        {
            Prediction<FareQuote> prediction = client.Predict(ride);
            Assert.Equal(new ModelVersion(1), prediction.ModelVersion);
            Assert.Equal(2.5f + (1.8f * ride.Distance) + (0.3f * ride.Passengers) + (0.05f * ride.Hour), prediction.Value.Fare, 1e-4f);
        }

        await Eventually.HoldsAsync(() => !reports.IsEmpty, "the first window's report");
        Assert.False(Assert.Single(reports).Find(nameof(FareRide.Distance))!.Drifted);

        // Airport runs: long distances. The next closed windows report the drift on the ONNX model's input.
        DriftReport? drifted = null;
        for (int i = 0; drifted is null; i++)
        {
            Assert.True(i < 200, "no window reported the drift on distance");
            foreach (FareRide ride in Airport(200, seed: 500 + i))
            {
                client.Predict(ride);
            }

            await Task.Delay(20);
            drifted = reports.FirstOrDefault(r => r.DatasetDrift);
        }

        Assert.Equal(1, drifted.ModelVersion);
        Assert.Equal(Fare, drifted.ModelName);
        Assert.True(drifted.Find(nameof(FareRide.Distance))!.Drifted);

        // Version 2, registered under a neutral file name with its format as a tag, is promoted: serving swaps to it.
        var registry = _host.Services.GetRequiredService<IModelRegistry>();
        RegisteredModelVersion v2 = await registry.RegisterVersionAsync(
            new RegisterVersionRequest(Fare, [ModelArtifact.FromFile(OnnxFixtures.PathOf(OnnxFixtures.FareV2), "model.bin")])
            {
                Tags = new Dictionary<string, string> { [ModelFormats.Tag] = ModelFormats.Onnx },
            });
        await registry.PromoteAsync(new PromoteRequest(Fare, v2.Version, ModelAlias.Champion) { Reason = "retrained on airport runs" });

        var ride2 = new FareRide { Distance = 20, Passengers = 2, Hour = 9 };
        await Eventually.HoldsAsync(() => client.Predict(ride2).ModelVersion == v2.Version, "version 2 served");
        Assert.Equal(3.0f + (2.1f * 20) + (0.1f * 2), client.Predict(ride2).Value.Fare, 1e-4f);
        Assert.Equal(v2.Version, catalog.Find(Fare)!.Version);
        Assert.Equal(ModelFormats.Onnx, catalog.Find(Fare)!.Format);
    }

    private DriftWindow<FareRide>? Window() =>
        ((DriftObserver<FareRide, FareQuote>)_host.Services.GetRequiredKeyedService<IEnumerable<IPredictionObserver<FareRide, FareQuote>>>("fare").Single()).Window;

    private static List<FareRide> City(int count, int seed) => Rides(count, seed, minKm: 1, maxKm: 8);

    private static List<FareRide> Airport(int count, int seed) => Rides(count, seed, minKm: 18, maxKm: 35);

    private static List<FareRide> Rides(int count, int seed, float minKm, float maxKm)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => new FareRide
        {
            Distance = minKm + ((maxKm - minKm) * random.NextSingle()),
            Passengers = 1 + random.Next(4),
            Hour = random.Next(24),
        })];
    }
}
