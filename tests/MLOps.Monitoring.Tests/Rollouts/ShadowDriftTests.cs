using Microsoft.Extensions.DependencyInjection;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Drift.Internal;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Tests.Support;

namespace MLOps.Monitoring.Tests.Rollouts;

/// <summary>Shadow predictions are not served traffic: drift windows never count them.</summary>
public sealed class ShadowDriftTests
{
    [Fact]
    public async Task DriftObserver_ShadowPredictions_AreNotCountedInTheWindow()
    {
        await using ServiceProvider provider = Services.Build(b => b.AddModel<HouseInput, HousePrediction>(
            "house", m => m.FromTransformer(TestModels.House).WithDriftMonitoring(d => d.WindowSize(50).UseReference(ReferenceProfile.Create(TestModels.Houses(1000, seed: 1))))));
        var reports = new List<DriftReport>();
        using IDisposable subscription = provider.GetRequiredService<IDriftMonitor>().Subscribe(r => { lock (reports) { reports.Add(r); } });
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        var observer = (DriftObserver<HouseInput, HousePrediction>)provider.GetRequiredKeyedService<IEnumerable<IPredictionObserver<HouseInput, HousePrediction>>>("house").Single();
        HouseInput[] houses = TestModels.Houses(200, seed: 21);
        client.Predict(houses[0]);
        await Eventually.HoldsAsync(() => observer.Window is not null, "the reference loaded");

        foreach (HouseInput house in houses[1..101])
        {
            var shadow = new PredictionContext<HouseInput, HousePrediction>(
                ModelName.Parse("house"), house, new Prediction<HousePrediction>(new HousePrediction(), PredictionId.NewId(), new ModelVersion(1), "shadow"))
            {
                IsShadow = true,
            };
            observer.OnPrediction(in shadow);
        }

        lock (reports)
        {
            Assert.Empty(reports);   // 100 mirrored predictions would have closed two windows of 50
        }

        client.PredictBatch(houses[101..150]);
        await Eventually.HoldsAsync(() => { lock (reports) { return reports.Count == 1; } }, "the first window of served traffic");
        Assert.Equal(50, reports.Single().CurrentRows);
    }

    [Fact]
    public async Task DriftObserver_PerVersion_DuringACanary_TheWindowFollowsThePrimaryArm()
    {
        var references = new CountingReferences();
        await using ServiceProvider provider = Services.Build(
            b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromTransformer(TestModels.House).WithDriftMonitoring(d => d.WindowSize(50))),
            s => s.AddSingleton<IReferenceProfileProvider>(references));
        var reports = new List<DriftReport>();
        using IDisposable subscription = provider.GetRequiredService<IDriftMonitor>().Subscribe(r => { lock (reports) { reports.Add(r); } });
        var observer = (DriftObserver<HouseInput, HousePrediction>)provider.GetRequiredKeyedService<IEnumerable<IPredictionObserver<HouseInput, HousePrediction>>>("house").Single();
        HouseInput[] houses = TestModels.Houses(400, seed: 3);
        Observe(observer, houses[0], version: 1, "primary");
        await Eventually.HoldsAsync(() => observer.Window is { Version: 1 }, "the primary's reference loaded");

        // A 50 % canary: the arms alternate. Before the fix each candidate prediction asked for version 2's reference and
        // the window switched between the versions, so none ever closed.
        for (int i = 1; i < 201; i++)
        {
            Observe(observer, houses[i], version: i % 2 == 0 ? 1 : 2, i % 2 == 0 ? "primary" : "candidate");
        }

        await Eventually.HoldsAsync(() => { lock (reports) { return reports.Count == 2; } }, "two windows of the primary's 100 predictions");
        Assert.All(reports, r => Assert.Equal(1, r.ModelVersion));
        Assert.Equal(1, observer.Window!.Version);
        Assert.Equal([1], references.Versions);   // the candidate's reference was never asked for
    }

    private static void Observe(DriftObserver<HouseInput, HousePrediction> observer, HouseInput house, int version, string variant)
    {
        var context = new PredictionContext<HouseInput, HousePrediction>(
            ModelName.Parse("house"), house, new Prediction<HousePrediction>(new HousePrediction(), PredictionId.NewId(), new ModelVersion(version), variant));
        observer.OnPrediction(in context);
    }

    private sealed class CountingReferences : IReferenceProfileProvider
    {
        private readonly ReferenceProfile _profile = ReferenceProfile.Create(TestModels.Houses(1000, seed: 1));
        private readonly List<int> _versions = [];

        public int[] Versions
        {
            get
            {
                lock (_versions)
                {
                    return [.. _versions];
                }
            }
        }

        public ValueTask<ReferenceProfile?> GetReferenceProfileAsync(ModelName modelName, ModelVersion version, CancellationToken cancellationToken = default)
        {
            lock (_versions)
            {
                _versions.Add(version.Number);
            }

            return ValueTask.FromResult<ReferenceProfile?>(_profile);
        }
    }
}
