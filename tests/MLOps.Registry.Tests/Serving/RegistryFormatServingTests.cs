using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MLOps.Registry.Tests.Serving;

/// <summary>A registry version's recorded format is what serving loads it with: ONNX, or a format the application adds.</summary>
public sealed class RegistryFormatServingTests : IDisposable
{
    private static readonly ModelName Fare = ModelName.Parse("fare");
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task FromRegistry_OnnxVersionRegisteredByATool_IsRecordedAsOnnxAndServed()
    {
        using (var admin = new FileSystemModelRegistry(new FileSystemRegistryOptions { RootPath = _directory.Path, WatchForChanges = false }))
        {
            RegisteredModelVersion v1 = await admin.RegisterVersionAsync(
                new RegisterVersionRequest(Fare, [ModelArtifact.FromFile(OnnxFixtures.PathOf(OnnxFixtures.FareV1), "fare.onnx")]));
            Assert.Equal(ModelFormats.Onnx, v1.Format);
            await admin.PromoteAsync(new PromoteRequest(Fare, v1.Version, ModelAlias.Champion) { Reason = "exported from PyTorch" });
        }

        await using ServiceProvider provider = Build(b => b.AddModel<FareRide, FareQuote>("fare", m => m.FromRegistry(alias: "champion")));
        await StartAsync(provider);

        Prediction<FareQuote> prediction = provider.GetRequiredService<IModelClient<FareRide, FareQuote>>().Predict(new FareRide { Distance = 1, Passengers = 1, Hour = 8 });
        Assert.Equal(5.0f, prediction.Value.Fare, 1e-5f);   // 2.5 + 1.8 + 0.3 + 0.4
        Assert.Equal(ModelFormats.Onnx, provider.GetRequiredService<IModelCatalog>().Find(Fare)!.Format);
    }

    [Fact]
    public async Task RegisterVersion_FromDI_RecordsAFormatAddedWithAddModelFormat_AndServesIt()
    {
        await using ServiceProvider provider = Build(b => b
            .AddModelFormat<ScaleFormat>()
            .AddModel<FareRide, FareQuote>("fare", m => m.FromRegistry(alias: "champion")));
        var registry = provider.GetRequiredService<IModelRegistry>();

        RegisteredModelVersion v1 = await registry.RegisterVersionAsync(new RegisterVersionRequest(Fare, [ModelArtifact.FromBytes(Encoding.UTF8.GetBytes("3"), "fare.scale")]));
        RegisteredModelVersion zip = await registry.RegisterVersionAsync(new RegisterVersionRequest(ModelName.Parse("other"), [ModelArtifact.FromBytes(Encoding.UTF8.GetBytes("zip"))]));
        await registry.PromoteAsync(new PromoteRequest(Fare, v1.Version, ModelAlias.Champion) { Reason = "custom runtime" });
        await StartAsync(provider);

        Assert.Equal("scale", (await registry.GetVersionAsync(Fare, v1.Version))!.Format);
        Assert.Null(zip.Format);
        Assert.Equal(6f, provider.GetRequiredService<IModelClient<FareRide, FareQuote>>().Predict(new FareRide { Distance = 2 }).Value.Fare);
        Assert.Equal("scale", provider.GetRequiredService<IModelCatalog>().Find(Fare)!.Format);
    }

    private ServiceProvider Build(Action<IMLOpsBuilder> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        IMLOpsBuilder builder = services.AddMLOps(o => o.ReloadDelay = TimeSpan.Zero)
            .AddFileSystemRegistry(o =>
            {
                o.RootPath = _directory.Path;
                o.WatchForChanges = false;
            });
        configure(builder);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static async Task StartAsync(IServiceProvider provider)
    {
        foreach (IHostedService service in provider.GetServices<IHostedService>())
        {
            await service.StartAsync(CancellationToken.None);
        }
    }

    public sealed class FareRide
    {
        public float Distance { get; set; }

        public float Passengers { get; set; }

        public float Hour { get; set; }
    }

    public sealed class FareQuote
    {
        public float Fare { get; set; }
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
            new ScalePredictor(factor) as ModelPredictor<TIn, TOut> ?? throw new InvalidOperationException("the scale model serves FareRide -> FareQuote.");
    }

    private sealed class ScalePredictor(float factor) : ModelPredictor<FareRide, FareQuote>
    {
        public override FareQuote Predict(FareRide input) => new() { Fare = input.Distance * factor };
    }
}
