using Microsoft.Extensions.DependencyInjection;
using MLOps.Core.Tests.Support;

namespace MLOps.Core.Tests.Onnx;

/// <summary>The test suite's hand-written ONNX graph (TestSupport's <see cref="OnnxLinearRegression"/>) runs in ONNX Runtime as written.</summary>
public class OnnxLinearRegressionTests
{
    [Fact]
    public void Fit_NoiselessLinearData_RecoversTheWeightsAndBias()
    {
        var random = new Random(3);
        float[][] rows = [.. Enumerable.Range(0, 50).Select(_ => new[] { random.NextSingle() * 30, 1 + random.Next(4), random.Next(24) })];
        float[] labels = [.. rows.Select(r => 4f + (2.5f * r[0]) + (0.5f * r[1]) + (0.2f * r[2]))];

        (float[] weights, float bias) = OnnxLinearRegression.Fit(rows, labels);

        Assert.Equal(4f, bias, 1e-3f);
        Assert.Equal([2.5f, 0.5f, 0.2f], weights.Select(w => MathF.Round(w, 4)));
    }

    [Fact]
    public async Task Write_LinearModel_IsServedByOnnxRuntimeWithTheGraphsSignature()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "linear.onnx");
        await File.WriteAllBytesAsync(path, OnnxLinearRegression.Write(["distance", "passengers", "hour"], "fare", [2.5f, 0.5f, 0.2f], 4f));
        await using ServiceProvider provider = Services.Build(b => b.AddModel<FareInput, FarePrediction>("model", m => m.FromFile(path, watchForChanges: false)));
        await Services.StartAsync(provider);
        var client = provider.GetRequiredService<IModelClient<FareInput, FarePrediction>>();

        Assert.Equal(4f + 25f + 1f + 1.6f, client.Predict(new FareInput { Distance = 10, Passengers = 2, Hour = 8 }).Value.Fare, 1e-4f);
        ModelSignature signature = provider.GetRequiredService<IModelCatalog>().Find(ModelName.Parse("model"))!.Signature!;
        Assert.Equal(["distance", "passengers", "hour"], signature.Inputs.Select(c => c.Name));
        Assert.Equal(new SignatureColumn("fare", "Single"), Assert.Single(signature.Outputs));
    }
}
