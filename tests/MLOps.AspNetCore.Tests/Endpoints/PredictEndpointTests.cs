using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using MLOps.AspNetCore.Tests.Support;
using MLOps.Core.Tests.Support;

namespace MLOps.AspNetCore.Tests.Endpoints;

public class PredictEndpointTests
{
    [Fact]
    public async Task Predict_ValidInput_ReturnsTheModelOutputWithPredictionIdAndVersion()
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.Client.PostAsJsonAsync("/mlops/models/house/predict", new { size = 120, rooms = 4 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        float expected = TestModels.RawScore(TestModels.Distinct[0], new HouseInput { Size = 120, Rooms = 4 });
        Assert.Equal(expected, body.RootElement.GetProperty("output").GetProperty("score").GetSingle());
        Assert.Equal(1, body.RootElement.GetProperty("modelVersion").GetInt32());
        Assert.Equal("primary", body.RootElement.GetProperty("variant").GetString());
        string id = body.RootElement.GetProperty("predictionId").GetString()!;
        Assert.True(PredictionId.TryParse(id, out _));
        Assert.Equal(id, response.Headers.GetValues("X-Prediction-Id").Single());
        Assert.Equal("1", response.Headers.GetValues("X-Model-Version").Single());
    }

    [Theory]
    [InlineData("""{"Size":120,"ROOMS":4}""")]
    [InlineData("""{"\u0073ize":120,"rooms":4}""")]
    [InlineData("""{"rooms":4,"size":120}""")]
    public async Task Predict_OtherCasingEscapedNamesAndOrder_SameAsCamelCase(string json)
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.Client.PostAsync("/mlops/models/house/predict", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        float expected = TestModels.RawScore(TestModels.Distinct[0], new HouseInput { Size = 120, Rooms = 4 });
        Assert.Equal(expected, body.RootElement.GetProperty("output").GetProperty("score").GetSingle());
    }

    [Fact]
    public async Task Predict_SameFieldInTwoCasings_Returns400AppearsMoreThanOnce()
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.Client.PostAsync(
            "/mlops/models/house/predict", new StringContent("""{"size":1,"Size":2,"rooms":1}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("appears more than once.", body.RootElement.GetProperty("errors").GetProperty("Size")[0].GetString());
    }

    [Theory]
    [InlineData(100)]
    [InlineData(20_000)]
    [InlineData(300_000)]
    public async Task Predict_ChunkedBodyWithoutContentLength_ReadsItWhole(int padding)
    {
        await using var app = await TestApp.StartAsync();
        string json = "{\"size\":120," + new string(' ', padding) + "\"rooms\":4}";

        using var response = await app.Client.PostAsync("/mlops/models/house/predict", new ChunkedJson(json));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(
            TestModels.RawScore(TestModels.Distinct[0], new HouseInput { Size = 120, Rooms = 4 }),
            body.RootElement.GetProperty("output").GetProperty("score").GetSingle());
    }

    [Theory]
    [InlineData(4096, true, HttpStatusCode.OK)]
    [InlineData(4097, true, HttpStatusCode.RequestEntityTooLarge)]
    [InlineData(4096, false, HttpStatusCode.OK)]
    [InlineData(4097, false, HttpStatusCode.RequestEntityTooLarge)]
    public async Task Predict_BodyOfExactlyTheLimit_IsReadAndOneByteMoreIsRefused(int size, bool chunked, HttpStatusCode expected)
    {
        await using var app = await TestApp.StartAsync(endpoints: o => o.MaxRequestBodySize = 4096);
        string head = "{\"size\":120,\"rooms\":4";
        string json = head + new string(' ', size - head.Length - 1) + "}";
        Assert.Equal(size, Encoding.UTF8.GetByteCount(json));

        using HttpContent content = chunked ? new ChunkedJson(json) : new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await app.Client.PostAsync("/mlops/models/house/predict", content);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Predict_ChunkedBodyOverTheLimit_Returns413()
    {
        await using var app = await TestApp.StartAsync();
        string json = "{\"size\":120," + new string(' ', 2 * 1024 * 1024) + "\"rooms\":4}";

        using var response = await app.Client.PostAsync("/mlops/models/house/predict", new ChunkedJson(json));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task PredictBatch_ValidInputs_ReturnsOnePredictionPerInput()
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.Client.PostAsJsonAsync("/mlops/models/house/predict/batch", new[] { new { size = 50, rooms = 2 }, new { size = 80, rooms = 3 } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(2, body.RootElement.GetArrayLength());
        Assert.Equal(
            TestModels.RawScore(TestModels.Distinct[0], new HouseInput { Size = 80, Rooms = 3 }),
            body.RootElement[1].GetProperty("output").GetProperty("score").GetSingle());
    }

    [Fact]
    public async Task Predict_UnknownModel_Returns404ProblemDetails()
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.Client.PostAsJsonAsync("/mlops/models/nope/predict", new { size = 1, rooms = 1 });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("nope", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_InvalidFields_Returns400NamingEachBadField()
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.Client.PostAsync(
            "/mlops/models/house/predict",
            new StringContent("""{"size":"big","roomz":3,"price":"NaN"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement errors = body.RootElement.GetProperty("errors");
        Assert.Contains("number", errors.GetProperty("size")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("not a field", errors.GetProperty("roomz")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("finite", errors.GetProperty("price")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal("is required.", errors.GetProperty("rooms")[0].GetString());
    }

    [Fact]
    public async Task PredictBatch_InvalidItems_NamesTheIndexAndField()
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.Client.PostAsync(
            "/mlops/models/house/predict/batch",
            new StringContent("""[{"size":1,"rooms":1},{"size":1e400,"rooms":1},{"size":1}]""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement errors = body.RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty("[1].size", out _));
        Assert.True(errors.TryGetProperty("[2].rooms", out _));
        Assert.False(errors.TryGetProperty("[0].size", out _));
    }

    [Fact]
    public async Task Predict_BeforeTheModelIsLoaded_Returns503WithRetryAfter()
    {
        await using var app = await TestApp.StartAsync(b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromSource(_ => new TestModelSource(_ => null))));

        using var response = await app.Client.PostAsJsonAsync("/mlops/models/house/predict", new { size = 1, rooms = 1 });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task Predict_WithTheDefaultRateLimitPolicy_Returns429BeyondTheLimit()
    {
        await using var app = await TestApp.StartAsync(
            endpoints: o => o.PredictRateLimitPolicy = MLOpsRateLimiting.PredictPolicyName,
            services: s => s.AddRateLimiter(o => o.AddMLOpsPredictPolicy(permitsPerSecond: 2)),
            app: a => a.UseRateLimiter());

        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 4; i++)
        {
            using var response = await app.Client.PostAsJsonAsync("/mlops/models/house/predict", new { size = 1, rooms = 1 });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    [Fact]
    public async Task Models_ListAndGet_DescribeVersionAndInputSignature()
    {
        await using var app = await TestApp.StartAsync();

        using var list = JsonDocument.Parse(await app.Client.GetStringAsync("/mlops/models"));
        using var one = JsonDocument.Parse(await app.Client.GetStringAsync("/mlops/models/house"));
        using var missing = await app.Client.GetAsync("/mlops/models/nope");

        Assert.Equal("house", list.RootElement[0].GetProperty("name").GetString());
        Assert.Equal(1, one.RootElement.GetProperty("version").GetInt32());
        Assert.Equal(
            ["size", "rooms", "price"],
            one.RootElement.GetProperty("input").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Health_ReadyIsUnhealthyUntilTheModelLoadsAndLiveAlwaysAnswers()
    {
        var source = new TestModelSource(_ => null);
        await using var app = await TestApp.StartAsync(b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromSource(_ => source)));

        using (var ready = await app.Client.GetAsync("/health/ready"))
        using (var live = await app.Client.GetAsync("/health/live"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        source.SetNext(TestModels.Distinct[0], 1);
        await app.Services.GetRequiredService<IModelCatalog>().ReloadAsync(ModelName.Parse("house"));

        using var readyAfter = await app.Client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, readyAfter.StatusCode);
    }

    /// <summary>JSON content whose length is not computed up front, so it is sent chunked (no Content-Length).</summary>
    private sealed class ChunkedJson : HttpContent
    {
        private readonly byte[] _bytes;

        public ChunkedJson(string json)
        {
            _bytes = Encoding.UTF8.GetBytes(json);
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (int i = 0; i < _bytes.Length; i += 7000)
            {
                await stream.WriteAsync(_bytes.AsMemory(i, Math.Min(7000, _bytes.Length - i)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
