using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using MLOps.Core.Tests.Support;

namespace MLOps.Core.Tests.Onnx;

/// <summary>A runtime the SDK does not ship, plugged in through <see cref="IModelFormat"/>: it gets pooling, hot swap and observers.</summary>
public class CustomRuntimeTests
{
    [Fact]
    public async Task AddModelFormat_CustomRuntime_IsServedObservedAndHotSwapped()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "fare.scale");
        await File.WriteAllTextAsync(path, "2");
        var observer = new RecordingObserver();
        await using ServiceProvider provider = Services.Build(b => b
            .AddModelFormat<ScaleFormat>()
            .AddModel<FareInput, FarePrediction>("fare", m => m.FromFile(path).AddObserver(observer)));
        await Services.StartAsync(provider);
        var client = provider.GetRequiredService<IModelClient<FareInput, FarePrediction>>();

        Assert.Equal(6f, client.Predict(new FareInput { Distance = 3 }).Value.Fare);
        Assert.Equal("scale", provider.GetRequiredService<IModelCatalog>().Find(ModelName.Parse("fare"))!.Format);
        Assert.Equal(6f, Assert.Single(observer.Fares));

        await File.WriteAllTextAsync(path, "10");
        await Eventually.HoldsAsync(() => client.Predict(new FareInput { Distance = 3 }).ModelVersion == new ModelVersion(2), "version 2 served");
        Assert.Equal(30f, client.Predict(new FareInput { Distance = 3 }).Value.Fare);
    }

    [Fact]
    public async Task FromFile_FormatThatCannotServeTheTypes_IsRefusedBeforeAnyTraffic()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "fare.scale");
        await File.WriteAllTextAsync(path, "2");
        await using ServiceProvider provider = Services.Build(b => b
            .AddModelFormat<ScaleFormat>()
            .AddModel<RootInput, RootOutput>("root", m => m.FromFile(path, watchForChanges: false)));

        var error = await Assert.ThrowsAsync<ModelLoadException>(() => Services.StartAsync(provider));

        Assert.Contains("cannot serve RootInput -> RootOutput: the scale model serves FareInput -> FarePrediction", error.Message, StringComparison.Ordinal);
    }

    private sealed class ScaleFormat : IModelFormat
    {
        public string Name => "scale";

        public bool CanLoad(string artifactPath) => artifactPath.EndsWith(".scale", StringComparison.Ordinal);

        public InferenceModel Load(ReadOnlyMemory<byte> artifact, ModelLoadContext context) =>
            new ScaleModel(float.Parse(Encoding.UTF8.GetString(artifact.Span), CultureInfo.InvariantCulture));
    }

    private sealed class ScaleModel(float factor) : InferenceModel
    {
        public override string Format => "scale";

        public override ModelPredictor<TIn, TOut> CreatePredictor<TIn, TOut>() =>
            new ScalePredictor(factor) as ModelPredictor<TIn, TOut>
                ?? throw new InvalidOperationException($"the scale model serves {nameof(FareInput)} -> {nameof(FarePrediction)}.");
    }

    private sealed class ScalePredictor(float factor) : ModelPredictor<FareInput, FarePrediction>
    {
        public override FarePrediction Predict(FareInput input) => new() { Fare = input.Distance * factor };
    }

    private sealed class RecordingObserver : IPredictionObserver<FareInput, FarePrediction>
    {
        public List<float> Fares { get; } = [];

        public void OnPrediction(in PredictionContext<FareInput, FarePrediction> context)
        {
            lock (Fares)
            {
                Fares.Add(context.Prediction.Value.Fare);
            }
        }
    }
}
