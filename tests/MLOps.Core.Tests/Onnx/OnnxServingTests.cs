using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using MLOps.Core.Tests.Support;

namespace MLOps.Core.Tests.Onnx;

public class OnnxServingTests
{
    private const float Tolerance = 1e-5f;

    [Fact]
    public async Task FromFile_LinearOnnxModel_PredictsWhatPyTorchComputed()
    {
        await using var provider = await ServeAsync<FareInput, FarePrediction>(OnnxFixtures.PathOf(OnnxFixtures.FareV1));
        var client = provider.GetRequiredService<IModelClient<FareInput, FarePrediction>>();

        foreach (JsonElement c in OnnxFixtures.Expected("fare_v1"))
        {
            var input = new FareInput { Distance = Get(c, "distance"), Passengers = Get(c, "passengers"), Hour = Get(c, "hour") };
            Prediction<FarePrediction> prediction = client.Predict(input);
            Assert.Equal(Get(c, "fare"), prediction.Value.Fare, Tolerance);
            Assert.Equal(new ModelVersion(1), prediction.ModelVersion);
        }

        FarePrediction[] batch = [.. client.PredictBatch([new FareInput { Distance = 1, Passengers = 1, Hour = 8 }, new FareInput()]).Select(p => p.Value)];
        Assert.Equal(5.0f, batch[0].Fare, Tolerance);
        Assert.Equal(2.5f, batch[1].Fare, Tolerance);
    }

    [Fact]
    public async Task FromFile_OnnxModel_CatalogReportsTheFormatAndTheGraphSignature()
    {
        await using var provider = await ServeAsync<FareInput, FarePrediction>(OnnxFixtures.PathOf(OnnxFixtures.FareV1));

        ServedModel served = provider.GetRequiredService<IModelCatalog>().Find(ModelName.Parse("model"))!;

        Assert.Equal(ModelFormats.Onnx, served.Format);
        Assert.NotNull(served.Signature);
        Assert.Equal(["distance", "passengers", "hour"], served.Signature.Inputs.Select(c => c.Name));
        Assert.All(served.Signature.Inputs, c => Assert.Equal(new SignatureColumn(c.Name, "Single"), c));
        Assert.Equal(new SignatureColumn("fare", "Single"), Assert.Single(served.Signature.Outputs));
    }

    [Fact]
    public async Task FromFile_Mlp_VectorInputAndOutputMappedByColumnName_MatchPyTorch()
    {
        await using var provider = await ServeAsync<MlpInput, MlpOutput>(OnnxFixtures.PathOf(OnnxFixtures.Mlp));
        var client = provider.GetRequiredService<IModelClient<MlpInput, MlpOutput>>();

        foreach (JsonElement c in OnnxFixtures.Expected("mlp"))
        {
            float[] features = [.. c.GetProperty("features").EnumerateArray().Select(v => v.GetSingle())];
            float[] expected = [.. c.GetProperty("scores").EnumerateArray().Select(v => v.GetSingle())];
            float[] scores = client.Predict(new MlpInput { Values = features }).Value.Scores;
            Assert.Equal(expected.Length, scores.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i], scores[i], Tolerance);
            }
        }

        ModelSignature signature = provider.GetRequiredService<IModelCatalog>().Find(ModelName.Parse("model"))!.Signature!;
        Assert.Equal(new SignatureColumn("features", "Single", IsVector: true, Size: 4), Assert.Single(signature.Inputs));
    }

    [Fact]
    public async Task Predict_ArrayOfTheWrongLength_FailsWithAMessageNamingTheTensor()
    {
        await using var provider = await ServeAsync<MlpInput, MlpOutput>(OnnxFixtures.PathOf(OnnxFixtures.Mlp));
        var client = provider.GetRequiredService<IModelClient<MlpInput, MlpOutput>>();

        var error = Assert.Throws<InvalidPredictionException>(() => client.Predict(new MlpInput { Values = [1, 2, 3] }));

        Assert.Contains("MlpInput.Values has 3 values; the graph input 'features' needs 4", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, client.Predict(new MlpInput { Values = [1, 2, 3, 4] }).Value.Scores.Length);   // the predictor is still usable
    }

    [Fact]
    public async Task FromFile_CorruptOnnxFile_IsRefusedWithAClearError()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "model.onnx");
        byte[] graph = await File.ReadAllBytesAsync(OnnxFixtures.PathOf(OnnxFixtures.FareV1));
        await File.WriteAllBytesAsync(path, graph.AsSpan(0, graph.Length / 2).ToArray());

        var error = await LoadFailureAsync<FareInput, FarePrediction>(path);

        Assert.Contains("ONNX Runtime cannot load the graph", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FromFile_OpsetTheRuntimeCannotRun_IsRefusedWithAClearError()
    {
        var error = await LoadFailureAsync<RootInput, RootOutput>(OnnxFixtures.PathOf(OnnxFixtures.FutureOpset));

        Assert.Contains("ONNX Runtime cannot load the graph", error.Message, StringComparison.Ordinal);
        Assert.Contains("opset", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task FromFile_DynamicWidthTheInputCannotFill_IsRefusedNamingTheTensorAndShape()
    {
        var error = await LoadFailureAsync<UnsizedInput, TotalOutput>(OnnxFixtures.PathOf(OnnxFixtures.DynamicWidth));

        Assert.Contains("'features' Single[batch,width] has a dynamic dimension 1 that UnsizedInput.Features cannot fill", error.Message, StringComparison.Ordinal);
        Assert.Contains("[VectorType(n)]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FromFile_DynamicWidthFixedByVectorType_IsServed()
    {
        await using var provider = await ServeAsync<WidthInput, TotalOutput>(OnnxFixtures.PathOf(OnnxFixtures.DynamicWidth));
        var client = provider.GetRequiredService<IModelClient<WidthInput, TotalOutput>>();

        Assert.Equal(6f, client.Predict(new WidthInput { Features = [1, 2, 3] }).Value.Total, Tolerance);
    }

    [Fact]
    public async Task FromFile_InputOfTheWrongElementType_IsRefusedNamingTheTensorAndShape()
    {
        var error = await LoadFailureAsync<DoubleFareInput, FarePrediction>(OnnxFixtures.PathOf(OnnxFixtures.FareV1));

        Assert.Contains("The graph input 'distance' Single[batch,1] does not match DoubleFareInput.Distance (Double)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FromFile_GraphInputWithoutAProperty_IsRefusedNamingIt()
    {
        var error = await LoadFailureAsync<RootInput, FarePrediction>(OnnxFixtures.PathOf(OnnxFixtures.FareV1));

        Assert.Contains("The graph input 'distance' Single[batch,1] has no property in RootInput", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FromFile_OutputPropertyWithoutAGraphOutput_IsRefusedListingTheOutputs()
    {
        var error = await LoadFailureAsync<RootInput, FarePrediction>(OnnxFixtures.PathOf(OnnxFixtures.Sqrt));

        Assert.Contains("FarePrediction.Fare has no graph output 'Fare'. The graph's outputs: 'y' Single[batch,1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_OutputIsNaN_IsAFailedPredictionNotANumber()
    {
        await using var provider = await ServeAsync<RootInput, RootOutput>(OnnxFixtures.PathOf(OnnxFixtures.Sqrt));
        using var durations = new MetricCollector<double>(provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), MLOpsTelemetry.Name, MLOpsTelemetry.Instruments.PredictionDuration);
        var client = provider.GetRequiredService<IModelClient<RootInput, RootOutput>>();

        Assert.Equal(3f, client.Predict(new RootInput { X = 9 }).Value.Y, Tolerance);
        var error = Assert.Throws<InvalidPredictionException>(() => client.Predict(new RootInput { X = -1 }));

        Assert.Contains("output 'y' is NaN", error.Message, StringComparison.Ordinal);
        var failed = Assert.Single(durations.GetMeasurementSnapshot(), m => m.Tags.ContainsKey(MLOpsTelemetry.Tags.ErrorType));
        Assert.Equal(typeof(InvalidPredictionException).FullName, failed.Tags[MLOpsTelemetry.Tags.ErrorType]);
        Assert.Equal(2f, client.Predict(new RootInput { X = 4 }).Value.Y, Tolerance);
    }

    [Fact]
    public async Task FromFile_ReplacedByACorruptGraphThenAGoodOne_KeepsServingThePreviousVersionThenSwaps()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "fare.onnx");
        File.Copy(OnnxFixtures.PathOf(OnnxFixtures.FareV1), path);
        await using var provider = await ServeAsync<FareInput, FarePrediction>(path);
        var client = provider.GetRequiredService<IModelClient<FareInput, FarePrediction>>();
        var catalog = provider.GetRequiredService<IModelCatalog>();
        var input = new FareInput { Distance = 1, Passengers = 1, Hour = 8 };

        await File.WriteAllBytesAsync(path, [0x08, 0x07, 0x12, 0xFF, 0xFF]);
        await Eventually.HoldsAsync(() => catalog.Find(ModelName.Parse("model"))!.LoadFailures >= 1, "the corrupt graph fails to load");
        Assert.Equal(new ModelVersion(1), client.Predict(input).ModelVersion);
        Assert.Equal(5.0f, client.Predict(input).Value.Fare, Tolerance);

        File.Copy(OnnxFixtures.PathOf(OnnxFixtures.FareV2), path, overwrite: true);
        await Eventually.HoldsAsync(() => client.Predict(input).ModelVersion == new ModelVersion(2), "version 2 served");
        Assert.Equal(5.2f, client.Predict(input).Value.Fare, Tolerance);   // 3.0 + 2.1 + 0.1 + 0
    }

    private static async Task<ServiceProvider> ServeAsync<TIn, TOut>(string path)
        where TIn : class
        where TOut : class, new()
    {
        ServiceProvider provider = Services.Build(b => b.AddModel<TIn, TOut>("model", m => m.FromFile(path)));
        await Services.StartAsync(provider);
        return provider;
    }

    private static async Task<ModelLoadException> LoadFailureAsync<TIn, TOut>(string path)
        where TIn : class
        where TOut : class, new()
    {
        await using ServiceProvider provider = Services.Build(b => b.AddModel<TIn, TOut>("model", m => m.FromFile(path, watchForChanges: false)));
        var error = await Assert.ThrowsAsync<ModelLoadException>(() => Services.StartAsync(provider));
        var served = provider.GetRequiredService<IModelCatalog>().Find(ModelName.Parse("model"))!;
        Assert.False(served.IsLoaded);
        Assert.Same(error, served.LastLoadError);
        return error;
    }

    private static float Get(JsonElement c, string name) => c.GetProperty(name).GetSingle();
}
