using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MLOps.Core.Tests.Support;

namespace MLOps.Core.Tests.Serving;

public class ModelClientTests
{
    [Fact]
    public async Task Predict_FromTransformer_ReturnsWhatTheRawEngineReturns()
    {
        var model = TestModels.Distinct[0];
        await using var provider = Services.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromTransformer(model)));
        await Services.StartAsync(provider);
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();

        foreach (HouseInput input in TestModels.Inputs)
        {
            Prediction<HousePrediction> prediction = client.Predict(input);

            Assert.Equal(TestModels.RawScore(model, input), prediction.Value.Score);
            Assert.Equal(new ModelVersion(1), prediction.ModelVersion);
            Assert.Equal("primary", prediction.Variant);
            Assert.False(prediction.PredictionId.IsEmpty);
        }

        Assert.Equal("house", client.ModelName.Value);
    }

    [Fact]
    public async Task PredictBatch_ReturnsOnePredictionPerInputInOrderWithDistinctIds()
    {
        var model = TestModels.Distinct[1];
        await using var provider = Services.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromTransformer(model)));
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();

        Prediction<HousePrediction>[] predictions = client.PredictBatch(TestModels.Inputs);

        Assert.Equal(TestModels.Inputs.Length, predictions.Length);
        for (int i = 0; i < predictions.Length; i++)
        {
            Assert.Equal(TestModels.RawScore(model, TestModels.Inputs[i]), predictions[i].Value.Score);
        }

        Assert.Equal(predictions.Length, predictions.Select(p => p.PredictionId).Distinct().Count());
        Assert.Empty(client.PredictBatch([]));
    }

    [Fact]
    public async Task Predict_NullInput_ThrowsArgumentNullExceptionNamingInput()
    {
        await using var provider = Services.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromTransformer(TestModels.Distinct[0])));
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();

        Assert.Equal("input", Assert.Throws<ArgumentNullException>(() => client.Predict(null!)).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentNullException>(() => client.PredictBatch(null!)).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentNullException>(() => client.PredictBatch([TestModels.Inputs[0], null!])).ParamName);
    }

    [Fact]
    public async Task Predict_BeforeAnyModelIsAvailable_ThrowsModelNotLoadedException()
    {
        var source = new TestModelSource(_ => null);
        await using var provider = Services.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromSource(_ => source)));
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();

        var ex = Assert.Throws<ModelNotLoadedException>(() => client.Predict(TestModels.Inputs[0]));

        Assert.Equal("house", ex.ModelName?.Value);
        Assert.Contains("house", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_WhenTheFirstLoadFailed_ThrowsModelNotLoadedExceptionWithTheLoadError()
    {
        var source = new TestModelSource(_ => throw new InvalidDataException("corrupt"));
        await using var provider = Services.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromSource(_ => source)));
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();

        var ex = Assert.Throws<ModelNotLoadedException>(() => client.Predict(TestModels.Inputs[0]));

        var load = Assert.IsType<ModelLoadException>(ex.InnerException);
        Assert.IsType<InvalidDataException>(load.InnerException);
    }

    [Fact]
    public async Task Predict_WithoutHostFromFile_LoadsTheFileWithinTheFirstCall()
    {
        using var dir = new TempDirectory();
        string path = TestModels.SaveToFile(TestModels.Distinct[1], Path.Combine(dir.Path, "model.zip"));
        await using var provider = Services.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromFile(path, watchForChanges: false)));
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();

        Prediction<HousePrediction> prediction = client.Predict(TestModels.Inputs[0]);

        Assert.Equal(new ModelVersion(1), prediction.ModelVersion);
        Assert.Equal(TestModels.RawScore(TestModels.Distinct[1], TestModels.Inputs[0]), prediction.Value.Score);
    }

    // Regression: the first prediction without a host blocked on the source's load task (sync-over-async).
    [Fact]
    public async Task Predict_WithoutHostWhileAnAsynchronousSourceLoads_ThrowsModelNotLoadedExceptionWithoutWaiting_ThenServes()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new AsynchronousModelSource(release.Task, TestModels.Distinct[2]);
        await using var provider = Services.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromSource(_ => source)));
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();

        var ex = Assert.Throws<ModelNotLoadedException>(() => client.Predict(TestModels.Inputs[0]));
        Assert.Contains("in progress", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ModelNotLoadedException>(() => client.Predict(TestModels.Inputs[0]));
        Assert.Equal(1, source.Loads);

        release.SetResult();

        await Eventually.HoldsAsync(
            () => provider.GetRequiredService<IModelCatalog>().Find(ModelName.Parse("house"))!.IsLoaded,
            "the background load completes");
        Assert.Equal(TestModels.RawScore(TestModels.Distinct[2], TestModels.Inputs[0]), client.Predict(TestModels.Inputs[0]).Value.Score);
        Assert.Equal(1, source.Loads);
    }

    [Fact]
    public async Task Predict_WithoutHostWhenAnAsynchronousFirstLoadFailed_ThrowsModelNotLoadedExceptionWithTheLoadError()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new AsynchronousModelSource(release.Task, model: null);
        await using var provider = Services.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromSource(_ => source)));
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        Assert.Throws<ModelNotLoadedException>(() => client.Predict(TestModels.Inputs[0]));

        release.SetException(new InvalidDataException("corrupt"));

        await Eventually.HoldsAsync(
            () => provider.GetRequiredService<IModelCatalog>().Find(ModelName.Parse("house"))!.LoadFailures == 1,
            "the background load fails");
        var ex = Assert.Throws<ModelNotLoadedException>(() => client.Predict(TestModels.Inputs[0]));
        var load = Assert.IsType<ModelLoadException>(ex.InnerException);
        Assert.IsType<InvalidDataException>(load.InnerException);
    }

    [Fact]
    public async Task KeyedClients_ServeEachModelUnderItsOwnName()
    {
        await using var provider = Services.Build(b => b
            .AddModel<HouseInput, HousePrediction>("a", m => m.FromTransformer(TestModels.Distinct[0]))
            .AddModel<HouseInput, HousePrediction>("b", m => m.FromTransformer(TestModels.Distinct[2]).WithVariant("canary")));
        var a = provider.GetRequiredKeyedService<IModelClient<HouseInput, HousePrediction>>("a");
        var b = provider.GetRequiredKeyedService<IModelClient<HouseInput, HousePrediction>>("b");
        var input = TestModels.Inputs[1];

        Assert.Equal(TestModels.RawScore(TestModels.Distinct[0], input), a.Predict(input).Value.Score);
        Assert.Equal(TestModels.RawScore(TestModels.Distinct[2], input), b.Predict(input).Value.Score);
        Assert.Equal("canary", b.Predict(input).Variant);
        Assert.Same(a, provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>());
    }

    [Fact]
    public async Task HostStart_WithMissingModelFile_FailsWithModelLoadExceptionNamingTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), "mlops-missing-" + Guid.NewGuid().ToString("N") + ".zip");
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMLOps().AddModel<HouseInput, HousePrediction>("house", m => m.FromFile(path));
        using IHost host = builder.Build();

        var ex = await Assert.ThrowsAsync<ModelLoadException>(() => host.StartAsync());

        Assert.Equal("house", ex.ModelName?.Value);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.IsType<FileNotFoundException>(ex.InnerException);
    }

    [Fact]
    public async Task HostStart_WithCorruptModelFile_FailsWithModelLoadException()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "model.zip");
        await File.WriteAllBytesAsync(path, [0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMLOps().AddModel<HouseInput, HousePrediction>("house", m => m.FromFile(path));
        using IHost host = builder.Build();

        var ex = await Assert.ThrowsAsync<ModelLoadException>(() => host.StartAsync());

        Assert.Equal("house", ex.ModelName?.Value);
    }

    [Fact]
    public async Task HostStart_WithSchemaMismatch_FailsWithModelLoadExceptionAtLoadNotAtPredict()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMLOps().AddModel<WrongInput, HousePrediction>("house", m => m.FromTransformer(TestModels.Distinct[0]));
        using IHost host = builder.Build();

        var ex = await Assert.ThrowsAsync<ModelLoadException>(() => host.StartAsync());

        Assert.Contains(nameof(WrongInput), ex.Message, StringComparison.Ordinal);
    }

    public sealed class WrongInput
    {
        public string Text { get; set; } = "";
    }

    /// <summary>A source whose load completes only when the test releases it, like a registry read.</summary>
    private sealed class AsynchronousModelSource(Task release, Microsoft.ML.ITransformer? model) : ModelSource
    {
        private int _loads;

        public int Loads => Volatile.Read(ref _loads);

        public override string Description => "asynchronous test source";

        public override async ValueTask<LoadedModel?> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _loads);
            await release.WaitAsync(cancellationToken);
            return model is null ? null : new LoadedModel(model, new ModelVersion(1), "async", ownsModel: false);
        }
    }
}
