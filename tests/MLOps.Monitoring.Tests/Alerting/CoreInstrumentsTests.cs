using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using MLOps.Monitoring.Alerting;
using MLOps.Monitoring.Tests.Alerting.Support;

namespace MLOps.Monitoring.Tests.Alerting;

/// <summary>Rules over the instruments MLOps.Core really publishes (no test meter): a real ML.NET model that fails on some inputs.</summary>
public class CoreInstrumentsTests
{
    [Fact]
    public async Task ErrorRateAbove_FromRealPredictions_FiresWithTheModelAndVariantLabels()
    {
        var ml = new MLContext(seed: 1);
        ITransformer model = ml.Transforms.CustomMapping<TripInput, TripOutput>(
            (input, output) => output.Score = input.Distance < 0 ? throw new InvalidDataException("negative distance") : input.Distance * 2,
            contractName: null).Fit(ml.Data.LoadFromEnumerable(Array.Empty<TripInput>()));
        await using var h = AlertingHarness.Create(
            a => a.OnErrorRateAbove(0.05).OnLatencyP95Above(TimeSpan.FromSeconds(30)),
            s => s.AddMLOps().AddModel<TripInput, TripOutput>("taxi", m => m.FromTransformer(model).WithVariant("canary")));
        h.Listen();
        await h.StartHostAsync();
        var client = h.Provider.GetRequiredService<IModelClient<TripInput, TripOutput>>();

        for (int i = 0; i < 18; i++)
        {
            Assert.Equal(6, client.Predict(new TripInput { Distance = 3 }).Value.Score);
        }

        Assert.ThrowsAny<Exception>(() => client.Predict(new TripInput { Distance = -1 }));
        Assert.ThrowsAny<Exception>(() => client.Predict(new TripInput { Distance = -1 }));
        h.EvaluateAt(TimeSpan.FromSeconds(15)); // the started host's dispatcher takes the notifications; read the states

        Alert firing = Assert.Single(h.Manager.GetAlerts());
        Assert.Equal(AlertStatus.Firing, firing.Status);
        Assert.Equal("error-rate-above-0.05", firing.Rule.Name);
        Assert.Equal(0.1, firing.Value, 12);
        Assert.Equal("taxi", firing.Labels["mlops.model.name"]);
        Assert.Equal("canary", firing.Labels["mlops.deployment.variant"]);
    }

    public sealed class TripInput
    {
        public float Distance { get; set; }
    }

    public sealed class TripOutput
    {
        public float Score { get; set; }
    }
}
