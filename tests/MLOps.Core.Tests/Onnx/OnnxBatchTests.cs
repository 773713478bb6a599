using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using MLOps.Core.Tests.Support;

namespace MLOps.Core.Tests.Onnx;

/// <summary><c>PredictBatch</c> on a graph with a dynamic batch dimension: one session call for the batch, the same results as row by row.</summary>
public class OnnxBatchTests
{
    private const float Tolerance = 1e-5f;

    [Fact]
    public async Task PredictBatch_VectorGraph_RunsOneCallAndEqualsRowByRow()
    {
        await using ServiceProvider provider = await ServeAsync<MlpInput, MlpOutput>("mlp-batch", OnnxFixtures.Mlp);
        var client = provider.GetRequiredService<IModelClient<MlpInput, MlpOutput>>();
        var random = new Random(5);
        MlpInput[] inputs = [.. Enumerable.Range(0, 37).Select(_ => new MlpInput { Values = [.. Enumerable.Range(0, 4).Select(_ => (random.NextSingle() * 8) - 4)] })];
        float[][] single = [.. inputs.Select(i => client.Predict(i).Value.Scores)];
        using var durations = new MetricCollector<double>(provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), MLOpsTelemetry.Name, MLOpsTelemetry.Instruments.PredictionDuration);

        (Prediction<MlpOutput>[] batch, List<Activity> activities) = WithActivities("mlp-batch", () => client.PredictBatch(inputs));

        Assert.Equal(inputs.Length, batch.Length);
        for (int i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(single[i].Length, batch[i].Value.Scores.Length);
            for (int j = 0; j < single[i].Length; j++)
            {
                Assert.Equal(single[i][j], batch[i].Value.Scores[j], Tolerance);
            }
        }

        Assert.Equal(inputs.Length, batch.Select(p => p.PredictionId).Distinct().Count());
        Activity call = Assert.Single(activities);   // one session run, not one per row
        Assert.Equal(inputs.Length, call.GetTagItem("mlops.prediction.batch_size"));
        Assert.Equal(inputs.Length, durations.GetMeasurementSnapshot().Count);   // still one measurement per item
    }

    [Fact]
    public async Task PredictBatch_ScalarInputsGraph_EqualsRowByRowAndPyTorch()
    {
        await using ServiceProvider provider = await ServeAsync<FareInput, FarePrediction>("fare-batch", OnnxFixtures.FareV1);
        var client = provider.GetRequiredService<IModelClient<FareInput, FarePrediction>>();
        FareInput[] inputs = [.. OnnxFixtures.Expected("fare_v1").Select(c => new FareInput
        {
            Distance = c.GetProperty("distance").GetSingle(), Passengers = c.GetProperty("passengers").GetSingle(), Hour = c.GetProperty("hour").GetSingle(),
        })];

        (Prediction<FarePrediction>[] batch, List<Activity> activities) = WithActivities("fare-batch", () => client.PredictBatch(inputs));

        Assert.Single(activities);
        Assert.Equal(OnnxFixtures.Expected("fare_v1").Select(c => c.GetProperty("fare").GetSingle()), batch.Select(p => p.Value.Fare), new ToleranceComparer());
        Assert.Equal(inputs.Select(i => client.Predict(i).Value.Fare), batch.Select(p => p.Value.Fare));
    }

    [Fact]
    public async Task PredictBatch_OneRowIsNaN_FallsBackRowByRowAndFailsAtThatRow()
    {
        await using ServiceProvider provider = await ServeAsync<RootInput, RootOutput>("sqrt-batch", OnnxFixtures.Sqrt);
        var client = provider.GetRequiredService<IModelClient<RootInput, RootOutput>>();
        using var durations = new MetricCollector<double>(provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), MLOpsTelemetry.Name, MLOpsTelemetry.Instruments.PredictionDuration);

        var error = Assert.Throws<InvalidPredictionException>(() => client.PredictBatch([new RootInput { X = 4 }, new RootInput { X = -1 }, new RootInput { X = 9 }]));

        Assert.Contains("output 'y' is NaN", error.Message, StringComparison.Ordinal);
        var measurements = durations.GetMeasurementSnapshot();
        Assert.Equal(2, measurements.Count);   // row 0 predicted, row 1 failed, as a row-by-row batch does
        Assert.Single(measurements, m => m.Tags.ContainsKey(MLOpsTelemetry.Tags.ErrorType));
        Assert.Equal([2f, 3f], client.PredictBatch([new RootInput { X = 4 }, new RootInput { X = 9 }]).Select(p => p.Value.Y));
    }

    [Fact]
    public async Task PredictBatch_ArrayOfTheWrongLength_FailsNamingTheTensor()
    {
        await using ServiceProvider provider = await ServeAsync<MlpInput, MlpOutput>("mlp-bad-batch", OnnxFixtures.Mlp);
        var client = provider.GetRequiredService<IModelClient<MlpInput, MlpOutput>>();

        var error = Assert.Throws<InvalidPredictionException>(() => client.PredictBatch([new MlpInput { Values = [1, 2, 3, 4] }, new MlpInput { Values = [1, 2] }]));

        Assert.Contains("MlpInput.Values has 2 values; the graph input 'features' needs 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PredictBatch_FixedWidthGraphWithDynamicWidthFilled_EqualsRowByRow()
    {
        await using ServiceProvider provider = await ServeAsync<WidthInput, TotalOutput>("width-batch", OnnxFixtures.DynamicWidth);
        var client = provider.GetRequiredService<IModelClient<WidthInput, TotalOutput>>();

        Prediction<TotalOutput>[] batch = client.PredictBatch([new WidthInput { Features = [1, 2, 3] }, new WidthInput { Features = [4, 5, 6] }]);

        Assert.Equal([6f, 15f], batch.Select(p => p.Value.Total));
    }

    private static (T Result, List<Activity> Activities) WithActivities<T>(string model, Func<T> action)
    {
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == MLOpsTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.OperationName == "mlops.predict " + model)
                {
                    lock (activities)
                    {
                        activities.Add(a);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        T result = action();
        return (result, activities);
    }

    private static async Task<ServiceProvider> ServeAsync<TIn, TOut>(string name, string fixture)
        where TIn : class
        where TOut : class, new()
    {
        ServiceProvider provider = Services.Build(b => b.AddModel<TIn, TOut>(name, m => m.FromFile(OnnxFixtures.PathOf(fixture), watchForChanges: false)));
        await Services.StartAsync(provider);
        return provider;
    }

    private sealed class ToleranceComparer : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= 1e-4f;

        public int GetHashCode(float obj) => 0;
    }
}
