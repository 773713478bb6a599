using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using MLOps.AspNetCore.Tests.Support;
using MLOps.Core.Tests.Support;

namespace MLOps.AspNetCore.Tests.Endpoints;

/// <summary>
/// The optional <c>gates</c> of a promotion over HTTP, on <c>POST …/aliases/{alias}</c> and a rollout's <c>promote</c>:
/// a passing gate moves the alias, a failing one is a 422 listing each failure and moves nothing, bad gate input is a 400
/// naming the field.
/// </summary>
public sealed class PromotionGateEndpointTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "mlops-http-gates-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        // Three versions of "house" with r2 0.7, 0.8, 0.9 and rmse 30, 20, 10; v1 is champion.
        await using var seed = new ServiceCollection().AddLogging().AddMLOps().AddFileSystemRegistry(o => o.RootPath = _root).Services.BuildServiceProvider();
        var registry = seed.GetRequiredService<IModelRegistry>();
        var name = ModelName.Parse("house");
        for (int i = 0; i < 3; i++)
        {
            await registry.RegisterVersionAsync(new RegisterVersionRequest(name, [ModelArtifact.FromBytes(Save(TestModels.Distinct[i % 2]))])
            {
                Metrics = new Dictionary<string, double> { ["r2"] = 0.7 + i / 10.0, ["rmse"] = 30 - 10 * i },
            });
        }

        await registry.PromoteAsync(new PromoteRequest(name, new ModelVersion(1), ModelAlias.Champion));
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
    public async Task Promote_GatesPass_MovesTheAliasAndAuditsTheGates()
    {
        await using var app = await StartAsync();

        using var response = await Post(app, "/mlops/models/house/aliases/champion", """
            {"version": 3, "reason": "better", "gates": {"minMetrics": {"r2": 0.85}, "maxMetrics": {"rmse": 15},
             "beatCurrent": [{"metric": "r2", "margin": 0.1}, {"metric": "rmse", "higherIsBetter": false}]}}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, await ChampionAsync(app));
    }

    [Fact]
    public async Task Promote_GatesFail_Returns422ListingEachFailureAndTheAliasStays()
    {
        await using var app = await StartAsync();

        using var response = await Post(app, "/mlops/models/house/aliases/champion", """
            {"version": 2, "reason": "try", "gates": {"minMetrics": {"r2": 0.85, "auc": 0.5}, "beatCurrent": {"metric": "r2", "margin": 0.2}}}
            """);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        string[] failures = [.. problem.GetProperty("failures").EnumerateArray().Select(f => f.GetString()!)];
        Assert.Equal(3, failures.Length);
        Assert.Contains(failures, f => f.Contains("r2 >= 0.85", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("no metric 'auc'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("current holder", StringComparison.Ordinal));
        Assert.Equal(1, await ChampionAsync(app));
    }

    [Fact]
    public async Task RolloutPromote_GateFails_Returns422AndTheRolloutStaysActive_ThenPassingGatesPromote()
    {
        await using var app = await StartAsync();
        using var started = await Post(app, "/mlops/models/house/rollouts", """{"candidate": 2, "strategy": "canary"}""");
        string id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        using var refused = await Post(app, $"/mlops/models/house/rollouts/{id}/promote", """{"gates": {"maxMetrics": {"rmse": 10}}}""");
        using var active = await app.Client.GetAsync("/mlops/models/house/rollout");
        using var promoted = await Post(app, $"/mlops/models/house/rollouts/{id}/promote", """{"gates": {"minMetrics": {"r2": 0.75}, "beatCurrent": {"metric": "r2"}}}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("rmse <= 10", Assert.Single(problem.GetProperty("failures").EnumerateArray()).GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, active.StatusCode);
        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        Assert.Equal("succeeded", (await promoted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());
        Assert.Equal(2, await ChampionAsync(app));
    }

    [Theory]
    [InlineData("""{"minMetrics": [0.8]}""", "gates.minMetrics")]
    [InlineData("""{"minMetrics": {"r2": "0.8"}}""", "gates.minMetrics")]
    [InlineData("""{"minMetrics": {"r2": 1e400}}""", "gates.minMetrics")]
    [InlineData("""{"maxMetrics": {"": 1}}""", "gates.maxMetrics")]
    [InlineData("""{"maxMetrics": {"   ": 1}}""", "gates.maxMetrics")]
    [InlineData("""{"maxMetrics": {"r\u00012": 1}}""", "gates.maxMetrics")]
    [InlineData("""{"maxMetrics": {"r2": null}}""", "gates.maxMetrics")]
    [InlineData("""{"beatCurrent": {"metric": "r2", "margin": -0.01}}""", "gates.beatCurrent.margin")]
    [InlineData("""{"beatCurrent": {"metric": "r2", "margin": 1e400}}""", "gates.beatCurrent.margin")]
    [InlineData("""{"beatCurrent": {"metric": "r2", "margin": "0.1"}}""", "gates.beatCurrent.margin")]
    [InlineData("""{"beatCurrent": {"metric": 2}}""", "gates.beatCurrent.metric")]
    [InlineData("""{"beatCurrent": {"margin": 0.1}}""", "gates.beatCurrent.metric")]
    [InlineData("""{"beatCurrent": {"metric": "r\tsquared"}}""", "gates.beatCurrent.metric")]
    [InlineData("""{"beatCurrent": {"metric": "r2", "higherIsBetter": "yes"}}""", "gates.beatCurrent.higherIsBetter")]
    [InlineData("""{"beatCurrent": [{"metric": "r2"}, {"metric": "rmse", "lowerIsBetter": true}]}""", "gates.beatCurrent[1].lowerIsBetter")]
    [InlineData("""{"beatCurrent": [1, 2]}""", "gates.beatCurrent")]
    [InlineData("""{"beatCurrent": "r2"}""", "gates.beatCurrent")]
    [InlineData("""{"requireApproval": 1}""", "gates.requireApproval")]
    [InlineData("""{"minMetric": {"r2": 0.8}}""", "gates.minMetric")]
    [InlineData("""[{"minMetrics": {"r2": 0.8}}]""", "gates")]
    [InlineData("\"r2>=0.8\"", "gates")]
    public async Task Promote_BadGates_Returns400NamingTheFieldAndMovesNothing(string gates, string field)
    {
        await using var app = await StartAsync();
        using var started = await Post(app, "/mlops/models/house/rollouts", """{"candidate": 2, "strategy": "canary"}""");
        string id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        using var alias = await Post(app, "/mlops/models/house/aliases/champion", $$"""{"version": 3, "reason": "x", "gates": {{gates}}}""");
        using var rollout = await Post(app, $"/mlops/models/house/rollouts/{id}/promote", $$"""{"gates": {{gates}}}""");

        foreach (var response in new[] { alias, rollout })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{gates}: {problem}");
        }

        Assert.Equal(1, await ChampionAsync(app));
    }

    [Fact]
    public async Task Promote_TooManyGates_Returns400()
    {
        await using var app = await StartAsync();
        string many = string.Join(",", Enumerable.Range(0, 51).Select(i => $"\"m{i}\": 1"));

        using var response = await Post(app, "/mlops/models/house/aliases/champion", """{"version": 3, "reason": "x", "gates": {"minMetrics": {""" + many + "}}}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 50", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RolloutPause_WithGates_Returns400()
    {
        await using var app = await StartAsync();
        using var started = await Post(app, "/mlops/models/house/rollouts", """{"candidate": 2, "strategy": "canary"}""");
        string id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        using var response = await Post(app, $"/mlops/models/house/rollouts/{id}/pause", """{"gates": {"minMetrics": {"r2": 0.8}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("promote only", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<int> ChampionAsync(TestApp app)
    {
        var aliases = await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/aliases");
        return aliases.EnumerateArray().Last(a => a.GetProperty("alias").GetString() == "champion").GetProperty("version").GetInt32();
    }

    private static Task<HttpResponseMessage> Post(TestApp app, string url, string json) =>
        app.Client.PostAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));

    private Task<TestApp> StartAsync() => TestApp.StartAsync(
        b => b.AddFileSystemRegistry(o => o.RootPath = _root).AddModel<HouseInput, HousePrediction>("house", m => m.FromRegistry(alias: "champion")),
        endpoints: o => o.AllowUnauthenticatedManagement = true);

    private static byte[] Save(ITransformer model)
    {
        var ml = new MLContext(0);
        using var stream = new MemoryStream();
        ml.Model.Save(model, ml.Data.LoadFromEnumerable(Array.Empty<HouseInput>()).Schema, stream);
        return stream.ToArray();
    }
}
