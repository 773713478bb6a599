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
}
