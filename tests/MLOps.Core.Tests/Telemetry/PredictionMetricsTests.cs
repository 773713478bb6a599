using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.ML;
using MLOps.Core.Tests.Support;

namespace MLOps.Core.Tests.Telemetry;

public class PredictionMetricsTests
{
    [Fact]
    public async Task Predict_RecordsDurationInSecondsWithModelVersionAndVariantTags()
    {
        await using var provider = Services.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromTransformer(TestModels.Distinct[0])));
        using var collector = new MetricCollector<double>(provider.GetRequiredService<IMeterFactory>(), MLOpsTelemetry.Name, MLOpsTelemetry.Instruments.PredictionDuration);
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();

        client.Predict(TestModels.Inputs[0]);
        client.PredictBatch(TestModels.Inputs);

        IReadOnlyList<CollectedMeasurement<double>> measurements = collector.GetMeasurementSnapshot();
        Assert.Equal(1 + TestModels.Inputs.Length, measurements.Count);
        foreach (var m in measurements)
        {
            Assert.InRange(m.Value, 0, 60);
            Assert.Equal("house", m.Tags[MLOpsTelemetry.Tags.ModelName]);
            Assert.Equal("1", m.Tags[MLOpsTelemetry.Tags.ModelVersion]);
            Assert.Equal("primary", m.Tags[MLOpsTelemetry.Tags.Variant]);
            Assert.False(m.Tags.ContainsKey(MLOpsTelemetry.Tags.ErrorType));
        }

        Assert.Equal("s", collector.Instrument!.Unit);
    }

    [Fact]
    public async Task Predict_WhenTheModelThrows_RecordsDurationWithErrorTypeAndRethrows()
    {
        var ml = new MLContext();
        var throwing = ml.Transforms.CustomMapping<HouseInput, HousePrediction>(
            (input, output) => output.Score = input.Size < 0 ? throw new InvalidDataException("negative size") : input.Size,
            contractName: null).Fit(ml.Data.LoadFromEnumerable(Array.Empty<HouseInput>()));
        await using var provider = Services.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromTransformer(throwing)));
        using var collector = new MetricCollector<double>(provider.GetRequiredService<IMeterFactory>(), MLOpsTelemetry.Name, MLOpsTelemetry.Instruments.PredictionDuration);
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();

        Assert.ThrowsAny<Exception>(() => client.Predict(new HouseInput { Size = -1 }));
        Assert.Equal(3, client.Predict(new HouseInput { Size = 3 }).Value.Score);

        var measurements = collector.GetMeasurementSnapshot();
        Assert.Equal(2, measurements.Count);
        Assert.NotNull(measurements[0].Tags[MLOpsTelemetry.Tags.ErrorType]);
        Assert.EndsWith("Exception", (string)measurements[0].Tags[MLOpsTelemetry.Tags.ErrorType]!, StringComparison.Ordinal);
        Assert.False(measurements[1].Tags.ContainsKey(MLOpsTelemetry.Tags.ErrorType));
    }

    [Fact]
    public async Task ModelLoadedGauge_ReportsTheServedVersionPerModelAndVariant()
    {
        var source = new TestModelSource(_ => new LoadedModel(TestModels.Distinct[0], new ModelVersion(1), "v1", ownsModel: false));
        await using var provider = Services.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromSource(_ => source).WithVariant("canary")));
        await Services.StartAsync(provider);
        using var collector = new MetricCollector<long>(provider.GetRequiredService<IMeterFactory>(), MLOpsTelemetry.Name, MLOpsTelemetry.Instruments.ModelLoaded);

        collector.RecordObservableInstruments();
        Assert.Equal(1, collector.LastMeasurement!.Value);
        Assert.Equal("house", collector.LastMeasurement.Tags[MLOpsTelemetry.Tags.ModelName]);
        Assert.Equal("canary", collector.LastMeasurement.Tags[MLOpsTelemetry.Tags.Variant]);

        source.SetNext(TestModels.Distinct[1], 7);
        await provider.GetRequiredService<IModelCatalog>().ReloadAsync(ModelName.Parse("house"));
        collector.RecordObservableInstruments();

        Assert.Equal(7, collector.LastMeasurement!.Value);
    }

    [Fact]
    public async Task ModelLoads_CountsSuccessAndFailureWithErrorType()
    {
        var source = new TestModelSource(_ => new LoadedModel(TestModels.Distinct[0], new ModelVersion(1), "v1", ownsModel: false));
        await using var provider = Services.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromSource(_ => source)));
        using var collector = new MetricCollector<long>(provider.GetRequiredService<IMeterFactory>(), MLOpsTelemetry.Name, MLOpsTelemetry.Instruments.ModelLoads);
        await Services.StartAsync(provider);

        source.SetNext(_ => throw new InvalidDataException("truncated"));
        Assert.False(await provider.GetRequiredService<IModelCatalog>().ReloadAsync(ModelName.Parse("house")));

        var measurements = collector.GetMeasurementSnapshot();
        Assert.Equal(2, measurements.Count);
        Assert.Equal("success", measurements[0].Tags[MLOpsTelemetry.Tags.Outcome]);
        Assert.Equal("failure", measurements[1].Tags[MLOpsTelemetry.Tags.Outcome]);
        Assert.Equal(typeof(InvalidDataException).FullName, measurements[1].Tags[MLOpsTelemetry.Tags.ErrorType]);
        Assert.Equal(new ModelVersion(1), provider.GetRequiredService<IModelCatalog>().Find(ModelName.Parse("house"))!.Version);
    }

    [Fact]
    public async Task Predict_CreatesAnActivityOnlyWhenSomeoneListens()
    {
        await using var provider = Services.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromTransformer(TestModels.Distinct[0])));
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        var stopped = new List<Activity>();
        client.Predict(TestModels.Inputs[0]);   // no listener: nothing to see, nothing created

        using (var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == MLOpsTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (stopped) { stopped.Add(a); } },
        })
        {
            ActivitySource.AddActivityListener(listener);
            var prediction = client.Predict(TestModels.Inputs[0]);

            Activity activity;
            lock (stopped)
            {
                activity = Assert.Single(stopped, a => a.GetTagItem("mlops.prediction.id") as string == prediction.PredictionId.ToString());
            }

            Assert.Equal("mlops.predict house", activity.OperationName);
            Assert.Equal("house", activity.GetTagItem(MLOpsTelemetry.Tags.ModelName));
            Assert.Equal("1", activity.GetTagItem(MLOpsTelemetry.Tags.ModelVersion));
        }
    }
}
