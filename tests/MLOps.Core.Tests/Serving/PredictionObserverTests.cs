using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using MLOps.Core.Tests.Support;

namespace MLOps.Core.Tests.Serving;

public class PredictionObserverTests
{
    [Fact]
    public async Task Observers_GlobalAndPerModel_SeeEveryPredictionOfTheirModel()
    {
        var global = new RecordingObserver();
        var onlyB = new RecordingObserver();
        await using var provider = Services.Build(
            b => b
                .AddModel<HouseInput, HousePrediction>("a", m => m.FromTransformer(TestModels.Distinct[0]))
                .AddModel<HouseInput, HousePrediction>("b", m => m.FromTransformer(TestModels.Distinct[1]).AddObserver(onlyB)),
            s => s.AddSingleton<IPredictionObserver<HouseInput, HousePrediction>>(global));
        var a = provider.GetRequiredKeyedService<IModelClient<HouseInput, HousePrediction>>("a");
        var b = provider.GetRequiredKeyedService<IModelClient<HouseInput, HousePrediction>>("b");

        var pa = a.Predict(TestModels.Inputs[0]);
        var pb = b.PredictBatch(TestModels.Inputs);

        Assert.Equal(1 + TestModels.Inputs.Length, global.Seen.Count);
        Assert.Equal(("a", pa.PredictionId), (global.Seen[0].ModelName.Value, global.Seen[0].Prediction.PredictionId));
        Assert.Same(TestModels.Inputs[0], global.Seen[0].Input);
        Assert.Equal(pb.Select(p => p.PredictionId), onlyB.Seen.Select(c => c.Prediction.PredictionId));
        Assert.All(onlyB.Seen, c => Assert.Equal("b", c.ModelName.Value));
    }

    [Fact]
    public async Task AddObserver_Factory_IsCreatedOnceFromServicesAndSeesOnlyItsModel()
    {
        int created = 0;
        var recorded = new RecordingObserver();
        await using var provider = Services.Build(
            b => b
                .AddModel<HouseInput, HousePrediction>("a", m => m.FromTransformer(TestModels.Distinct[0]))
                .AddModel<HouseInput, HousePrediction>("b", m => m.FromTransformer(TestModels.Distinct[1]).AddObserver(sp =>
                {
                    Assert.NotNull(sp.GetService<TimeProvider>());
                    Interlocked.Increment(ref created);
                    return recorded;
                })),
            s => s.AddSingleton(TimeProvider.System));
        var a = provider.GetRequiredKeyedService<IModelClient<HouseInput, HousePrediction>>("a");
        var b = provider.GetRequiredKeyedService<IModelClient<HouseInput, HousePrediction>>("b");

        a.Predict(TestModels.Inputs[0]);
        b.Predict(TestModels.Inputs[0]);
        b.Predict(TestModels.Inputs[1]);

        Assert.Equal(1, created);
        Assert.Equal(2, recorded.Seen.Count);
        Assert.All(recorded.Seen, c => Assert.Equal("b", c.ModelName.Value));
    }

    [Fact]
    public async Task Observer_ThatThrows_DoesNotFailThePredictionAndIsCountedAndLoggedRateLimited()
    {
        var time = new FakeTimeProvider();
        var logs = new FakeLogCollector();
        var after = new RecordingObserver();
        await using var provider = Services.Build(
            b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromTransformer(TestModels.Distinct[0]).AddObserver<ThrowingObserver>().AddObserver(after)),
            s => s.AddSingleton<TimeProvider>(time).AddLogging(l => l.AddProvider(new FakeLoggerProvider(logs))));
        using var errors = new MetricCollector<long>(provider.GetRequiredService<IMeterFactory>(), MLOpsTelemetry.Name, MLOpsTelemetry.Instruments.ObserverErrors);
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();

        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(TestModels.RawScore(TestModels.Distinct[0], TestModels.Inputs[0]), client.Predict(TestModels.Inputs[0]).Value.Score);
        }

        time.Advance(MLOpsOptions.DefaultObserverErrorLogInterval);
        client.Predict(TestModels.Inputs[0]);

        Assert.Equal(11, after.Seen.Count);   // later observers still run
        Assert.Equal(11, errors.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(typeof(ThrowingObserver).FullName, errors.LastMeasurement!.Tags[MLOpsTelemetry.Tags.Observer]);
        var observerLogs = logs.GetSnapshot().Where(r => r.Id.Name == "ObserverFailed").ToList();
        Assert.Equal(2, observerLogs.Count);
        Assert.Contains("9 earlier failures", observerLogs[1].Message, StringComparison.Ordinal);
    }

    private sealed class RecordingObserver : IPredictionObserver<HouseInput, HousePrediction>
    {
        public List<PredictionContext<HouseInput, HousePrediction>> Seen { get; } = [];

        public void OnPrediction(in PredictionContext<HouseInput, HousePrediction> context)
        {
            lock (Seen)
            {
                Seen.Add(context);
            }
        }
    }

    private sealed class ThrowingObserver : IPredictionObserver<HouseInput, HousePrediction>
    {
        public void OnPrediction(in PredictionContext<HouseInput, HousePrediction> context) => throw new InvalidOperationException("observer bug");
    }
}
