using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.ML.Data;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Drift.Internal;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Retraining;

namespace MLOps.Monitoring.Tests.Onnx;

/// <summary>A ride with its fare: the fare is the label (ignored by drift and by the ONNX graph, which has no such input).</summary>
public sealed class FareTrip
{
    public float Distance { get; set; }

    public float Passengers { get; set; }

    public float Hour { get; set; }

    [ColumnName("Label")]
    [DriftFeature(FeatureRole.Ignore)]
    public float Amount { get; set; }
}

/// <summary>
/// The whole life of a model trained outside ML.NET, in one test on a file-system registry: version 1 (exported from
/// PyTorch) is registered and served from the champion alias, version 2 is hot-swapped in, drift on shifted traffic
/// triggers the retrain policy, whose trainer fits a linear regression in C# and writes it as an ONNX graph; that
/// version 3 is registered as ONNX, beats the champion on the hold-out, is promoted and served.
/// </summary>
public sealed class OnnxRetrainEndToEndTests : IAsyncLifetime
{
    private static readonly ModelName Fare = ModelName.Parse("fare");
    private readonly TempDirectory _dir = new();
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        await using (var seed = new ServiceCollection().AddLogging().AddMLOps().AddFileSystemRegistry(o => o.RootPath = _dir.Path).Services.BuildServiceProvider())
        {
            var registry = seed.GetRequiredService<IModelRegistry>();
            foreach (string fixture in new[] { OnnxFixtures.FareV1, OnnxFixtures.FareV2 })
            {
                await registry.RegisterVersionAsync(new RegisterVersionRequest(Fare, [ModelArtifact.FromFile(OnnxFixtures.PathOf(fixture))])
                {
                    ReferenceProfile = RegistryReferenceProfileProvider.ToBlob(ReferenceProfile.Create(Trips(2000, seed: 1, minKm: 1, maxKm: 8))),
                });
            }

            await registry.PromoteAsync(new PromoteRequest(Fare, new ModelVersion(1), ModelAlias.Champion) { Reason = "exported from PyTorch" });
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Services.Configure<RetrainOptions>(o => o.StateDirectory = Path.Combine(_dir.Path, "retrain"));
        builder.Services.AddMLOps(o => o.ReloadDelay = TimeSpan.Zero)
            .AddFileSystemRegistry(o => o.RootPath = _dir.Path)
            .AddFileSystemTracking(o => o.RootPath = Path.Combine(_dir.Path, "tracking"))
            .AddModel<FareTrip, FareQuote>("fare", m => m
                .FromRegistry(alias: "champion")
                .WithDriftMonitoring(d => d.WindowSize(200))
                .WithRetrainPolicy(r => r
                    .OnDatasetDrift()
                    .TrainArtifactWith<LeastSquaresOnnxTrainer>()
                    .TrainOn(_ => new AirportFares())
                    .EvaluateRegression("r2", scoreColumn: "Fare")));
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
    public async Task OnnxModel_ServedHotSwappedDriftsRetrainedToOnnxPromotedAndServed()
    {
        var client = _host.Services.GetRequiredService<IModelClient<FareTrip, FareQuote>>();
        var registry = _host.Services.GetRequiredService<IModelRegistry>();
        var reports = new ConcurrentQueue<DriftReport>();
        var runs = new ConcurrentQueue<RetrainRun>();
        using IDisposable driftSubscription = _host.Services.GetRequiredService<IDriftMonitor>().Subscribe(reports.Enqueue);
        using IDisposable runSubscription = _host.Services.GetRequiredService<IRetrainCoordinator>().Subscribe(runs.Enqueue);
        var ride = new FareTrip { Distance = 20, Passengers = 2, Hour = 9 };

        // Version 1 from the champion alias, then version 2 hot-swapped in by a promotion.
        Assert.Equal(ModelFormats.Onnx, (await registry.GetVersionAsync(Fare, new ModelVersion(1)))!.Format);
        Assert.Equal(2.5f + (1.8f * 20) + (0.3f * 2) + (0.05f * 9), client.Predict(ride).Value.Fare, 1e-4f);
        await registry.PromoteAsync(new PromoteRequest(Fare, new ModelVersion(2), ModelAlias.Champion) { Reason = "re-exported" });
        await Eventually.HoldsAsync(() => client.Predict(ride).ModelVersion == new ModelVersion(2), "version 2 served");
        Assert.Equal(3.0f + (2.1f * 20) + (0.1f * 2), client.Predict(ride).Value.Fare, 1e-4f);

        // City traffic (the reference's distribution) until version 2's drift window closes: no drift, no retrain.
        for (int i = 0; !reports.Any(r => r.ModelVersion == 2); i++)
        {
            Assert.True(i < 200, "drift monitoring never evaluated a window of version 2");
            Serve(client, Trips(200, seed: 10 + i, minKm: 1, maxKm: 8));
            await Task.Delay(20);
        }

        Assert.DoesNotContain(reports, r => r.DatasetDrift);

        // Airport runs: the distance drifts, the policy retrains, and the ONNX trainer's version 3 is promoted and served.
        for (int i = 0; client.Predict(ride).ModelVersion != new ModelVersion(3); i++)
        {
            Assert.True(i < 500, "version 3 was never served");
            Serve(client, Trips(200, seed: 500 + i, minKm: 18, maxKm: 35));
            await Task.Delay(20);
        }

        await Eventually.HoldsAsync(() => !runs.IsEmpty, "the retrain run reported");
        RetrainRun run = Assert.Single(runs);
        Assert.Equal(RetrainTriggerKind.DatasetDrift, run.Trigger.Kind);
        Assert.Equal(RetrainOutcome.Promoted, run.Outcome);
        Assert.Equal(new ModelVersion(2), run.ChampionVersion);
        Assert.Equal(new ModelVersion(3), run.CandidateVersion);
        Assert.True(run.CandidateMetrics["r2"] > 0.99, $"candidate r2 {run.CandidateMetrics["r2"]}");
        Assert.True(run.ChampionMetrics["r2"] < run.CandidateMetrics["r2"]);
        Assert.Contains(reports, r => r.ModelVersion == 2 && r.DatasetDrift && r.Find(nameof(FareTrip.Distance))!.Drifted);

        RegisteredModelVersion v3 = (await registry.GetVersionAsync(Fare, new ModelVersion(3)))!;
        Assert.Equal(ModelFormats.Onnx, v3.Format);
        Assert.Equal("model.onnx", v3.PrimaryArtifactPath);
        Assert.Equal(["distance", "passengers", "hour"], v3.Signature!.Inputs.Select(c => c.Name));   // the graph's signature
        Assert.Equal(new ModelVersion(2), v3.Lineage!.ParentVersion);
        Assert.NotNull(await registry.GetReferenceProfileAsync(Fare, v3.Version));
        var tracked = await _host.Services.GetRequiredService<IExperimentTracker>().GetRunAsync(v3.Lineage.RunId!);
        Assert.Contains(tracked!.Artifacts, a => a.Path == "model.onnx");

        ServedModel served = _host.Services.GetRequiredService<IModelCatalog>().Find(Fare)!;
        Assert.Equal(new ModelVersion(3), served.Version);
        Assert.Equal(ModelFormats.Onnx, served.Format);
        Assert.Equal(AirportFares.Truth(ride), client.Predict(ride).Value.Fare, 0.05f);
    }

    private static void Serve(IModelClient<FareTrip, FareQuote> client, List<FareTrip> trips)
    {
        foreach (FareTrip trip in trips)
        {
            client.Predict(trip);
        }
    }

    private static List<FareTrip> Trips(int count, int seed, float minKm, float maxKm)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var trip = new FareTrip { Distance = minKm + ((maxKm - minKm) * random.NextSingle()), Passengers = 1 + random.Next(4), Hour = random.Next(24) };
            trip.Amount = AirportFares.Truth(trip) + ((random.NextSingle() - 0.5f) * 0.2f);
            return trip;
        })];
    }

    /// <summary>Completed airport runs with the fares charged: the training data of the retrain.</summary>
    private sealed class AirportFares : ITrainingDataSource<FareTrip>
    {
        public static float Truth(FareTrip trip) => 4.0f + (2.5f * trip.Distance) + (0.5f * trip.Passengers) + (0.2f * trip.Hour);

        public ValueTask<IReadOnlyList<FareTrip>> LoadAsync(RetrainTrigger trigger, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<FareTrip>>(Trips(600, seed: 99, minKm: 18, maxKm: 35));
    }

    /// <summary>Trains outside ML.NET: least squares in C#, written as an ONNX graph with the served model's inputs and output.</summary>
    private sealed class LeastSquaresOnnxTrainer : IModelArtifactTrainer<FareTrip>
    {
        public Task<ModelArtifact> TrainAsync(ModelTrainingContext context, CancellationToken cancellationToken)
        {
            List<FareTrip> rows = [.. context.MLContext.Data.CreateEnumerable<FareTrip>(context.TrainingData, reuseRowObject: false)];
            (float[] weights, float bias) = OnnxLinearRegression.Fit([.. rows.Select(r => new[] { r.Distance, r.Passengers, r.Hour })], [.. rows.Select(r => r.Amount)]);
            byte[] graph = OnnxLinearRegression.Write(["distance", "passengers", "hour"], "fare", weights, bias);
            return Task.FromResult(ModelArtifact.FromBytes(graph, "model.onnx"));
        }
    }
}
