using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using MLOps.AspNetCore.Tests.Support;
using MLOps.Core.Tests.Support;

namespace MLOps.AspNetCore.Tests.Endpoints;

/// <summary>Feature importance on the version endpoints, its comparison, and <c>?explain=true</c> on predict.</summary>
public sealed class ExplanationEndpointTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "mlops-http-explain-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        await using var seed = new ServiceCollection().AddLogging().AddMLOps().AddFileSystemRegistry(o => o.RootPath = _root).Services.BuildServiceProvider();
        var registry = seed.GetRequiredService<IModelRegistry>();
        var name = ModelName.Parse("house");
        FeatureImportance[][] importances =
        [
            [new("Size", "r2", 0.9, 0.02), new("Rooms", "r2", 0.1, 0.01)],
            [new("Size", "r2", 0.4, 0.02), new("Rooms", "r2", 0.5, 0.03)],
            [],
        ];
        foreach (FeatureImportance[] importance in importances)
        {
            var v = await registry.RegisterVersionAsync(new RegisterVersionRequest(name, [ModelArtifact.FromBytes(Save(TestModels.Distinct[0]))])
            {
                FeatureImportance = importance,
            });
            if (v.Version.Number == 1)
            {
                await registry.PromoteAsync(new PromoteRequest(name, v.Version, ModelAlias.Champion) { Reason = "first" });
            }
        }
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task GetVersion_ReturnsTheVersionWithItsFeatureImportance()
    {
        await using var app = await StartRegistryAppAsync();

        var version = await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/versions/1");

        Assert.Equal(1, version.GetProperty("version").GetInt32());
        Assert.Equal(["champion"], version.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        JsonElement first = version.GetProperty("featureImportance")[0];
        Assert.Equal("Size", first.GetProperty("feature").GetString());
        Assert.Equal("r2", first.GetProperty("metric").GetString());
        Assert.Equal(0.9, first.GetProperty("mean").GetDouble());
        Assert.Equal(0.02, first.GetProperty("stdDev").GetDouble());
        Assert.Equal(0, (await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/versions/3")).GetProperty("featureImportance").GetArrayLength());
        var listed = await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/versions");
        Assert.Equal(2, listed[0].GetProperty("featureImportance").GetArrayLength());
    }

    [Fact]
    public async Task Importance_CompareTo_GivesDeltasAndRankChanges()
    {
        await using var app = await StartRegistryAppAsync();

        var comparison = await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/versions/2/importance?compareTo=1");

        Assert.Equal(2, comparison.GetProperty("version").GetInt32());
        Assert.Equal(1, comparison.GetProperty("compareTo").GetInt32());
        Assert.Equal("r2", comparison.GetProperty("metric").GetString());
        Assert.True(comparison.GetProperty("sameMetric").GetBoolean());
        JsonElement rooms = comparison.GetProperty("features")[0];
        Assert.Equal("Rooms", rooms.GetProperty("feature").GetString());
        Assert.Equal(1, rooms.GetProperty("rank").GetInt32());
        Assert.Equal(2, rooms.GetProperty("compareToRank").GetInt32());
        Assert.Equal(1, rooms.GetProperty("rankChange").GetInt32());
        Assert.Equal(0.4, rooms.GetProperty("delta").GetDouble(), 12);
        JsonElement size = comparison.GetProperty("features")[1];
        Assert.Equal(-1, size.GetProperty("rankChange").GetInt32());
        Assert.Equal(-0.5, size.GetProperty("delta").GetDouble(), 12);
    }

    [Fact]
    public async Task Importance_WithoutCompareTo_ListsTheVersionsOwn()
    {
        await using var app = await StartRegistryAppAsync();

        var own = await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/versions/1/importance");

        Assert.Equal(JsonValueKind.Null, own.GetProperty("compareTo").ValueKind);
        Assert.Equal(["Size", "Rooms"], own.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("feature").GetString()));
        Assert.Equal(JsonValueKind.Null, own.GetProperty("features")[0].GetProperty("delta").ValueKind);
    }

    [Theory]
    [InlineData("/mlops/models/house/versions/abc", HttpStatusCode.BadRequest)]
    [InlineData("/mlops/models/house/versions/0", HttpStatusCode.BadRequest)]
    [InlineData("/mlops/models/house/versions/-1", HttpStatusCode.BadRequest)]
    [InlineData("/mlops/models/house/versions/99999999999999999999", HttpStatusCode.BadRequest)]
    [InlineData("/mlops/models/house/versions/99", HttpStatusCode.NotFound)]
    [InlineData("/mlops/models/nope/versions/1", HttpStatusCode.NotFound)]
    [InlineData("/mlops/models/house/versions/99/importance", HttpStatusCode.NotFound)]
    [InlineData("/mlops/models/house/versions/2/importance?compareTo=99", HttpStatusCode.NotFound)]
    [InlineData("/mlops/models/house/versions/2/importance?compareTo=x", HttpStatusCode.BadRequest)]
    [InlineData("/mlops/models/house/versions/2/importance?compareTo=", HttpStatusCode.BadRequest)]
    [InlineData("/mlops/models/house/versions/2/importance?compareTo=1&compareTo=3", HttpStatusCode.BadRequest)]
    [InlineData("/mlops/models/house/versions/2/importance?compareTo=%ED%A0%80", HttpStatusCode.BadRequest)]
    [InlineData("/mlops/models/house/versions/2/importance?compareTo=%00", HttpStatusCode.BadRequest)]
    [InlineData("/mlops/models/house/versions/2/importance?compareTo=1%20", HttpStatusCode.BadRequest)]
    public async Task VersionEndpoints_BadInput_AreProblemDetails(string url, HttpStatusCode expected)
    {
        await using var app = await StartRegistryAppAsync();

        using var response = await app.Client.GetAsync(url);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task VersionEndpoints_HugeCompareTo_IsShortenedInTheProblem()
    {
        await using var app = await StartRegistryAppAsync();

        using var response = await app.Client.GetAsync("/mlops/models/house/versions/2/importance?compareTo=" + new string('7', 20_000));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadAsStringAsync()).Length < 1000);
    }

    [Fact]
    public async Task Predict_ExplainTrue_AddsContributionsPerFeature()
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.Client.PostAsJsonAsync("/mlops/models/house/predict?explain=true", new { size = 120, rooms = 4 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        float expected = TestModels.RawScore(TestModels.Distinct[0], new HouseInput { Size = 120, Rooms = 4 });
        Assert.Equal(expected, body.RootElement.GetProperty("output").GetProperty("score").GetSingle());
        JsonElement contributions = body.RootElement.GetProperty("contributions");
        Assert.Equal(["Rooms", "Size"], contributions.EnumerateArray().Select(c => c.GetProperty("feature").GetString()).Order(StringComparer.Ordinal));
        Assert.All(contributions.EnumerateArray(), c => Assert.True(double.IsFinite(c.GetProperty("contribution").GetDouble())));
        Assert.Equal(body.RootElement.GetProperty("predictionId").GetString(), response.Headers.GetValues("X-Prediction-Id").Single());
    }

    [Theory]
    [InlineData("?explain=false")]
    [InlineData("?explain=FALSE")]
    [InlineData("")]
    [InlineData("?other=1")]
    public async Task Predict_ExplainAbsentOrFalse_IsThePlainResponse(string query)
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.Client.PostAsJsonAsync("/mlops/models/house/predict" + query, new { size = 120, rooms = 4 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(body.RootElement.TryGetProperty("contributions", out _));
    }

    [Theory]
    [InlineData("?explain=yes")]
    [InlineData("?explain=")]
    [InlineData("?explain=true&explain=true")]
    [InlineData("?explain=%ED%A0%80")]
    [InlineData("?explain=%00")]
    public async Task Predict_ExplainNotABoolean_Is400(string query)
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.Client.PostAsJsonAsync("/mlops/models/house/predict" + query, new { size = 120, rooms = 4 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Predict_ExplainOnAModelThatCannot_Is422()
    {
        var source = new TestModelSource(_ => new LoadedModel(new ConstantModel(), new ModelVersion(2), "constant"));
        await using var app = await TestApp.StartAsync(b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromSource(_ => source)));

        using var response = await app.Client.PostAsJsonAsync("/mlops/models/house/predict?explain=true", new { size = 120, rooms = 4 });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("cannot explain", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var plain = await app.Client.PostAsJsonAsync("/mlops/models/house/predict", new { size = 120, rooms = 4 });
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
    }

    private Task<TestApp> StartRegistryAppAsync() => TestApp.StartAsync(
        b => b.AddFileSystemRegistry(o => o.RootPath = _root).AddModel<HouseInput, HousePrediction>("house", m => m.FromRegistry(alias: "champion")));

    private static byte[] Save(ITransformer model)
    {
        var ml = new MLContext();
        using var stream = new MemoryStream();
        ml.Model.Save(model, ml.Data.LoadFromEnumerable(Array.Empty<HouseInput>()).Schema, stream);
        return stream.ToArray();
    }

    /// <summary>A custom runtime that always predicts 1 and cannot explain.</summary>
    private sealed class ConstantModel : InferenceModel
    {
        public override string Format => "constant";

        public override ModelPredictor<TIn, TOut> CreatePredictor<TIn, TOut>() => (ModelPredictor<TIn, TOut>)(object)new Predictor();

        private sealed class Predictor : ModelPredictor<HouseInput, HousePrediction>
        {
            public override HousePrediction Predict(HouseInput input) => new() { Score = 1 };
        }
    }
}
