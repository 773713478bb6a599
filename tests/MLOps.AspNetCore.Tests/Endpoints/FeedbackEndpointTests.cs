using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MLOps.AspNetCore.Tests.Support;
using MLOps.Core.Tests.Support;

namespace MLOps.AspNetCore.Tests.Endpoints;

public class FeedbackEndpointTests
{
    private static Task<TestApp> StartAsync(int window = 4) => TestApp.StartAsync(b => b.AddModel<HouseInput, HousePrediction>(
        "house", m => m.FromTransformer(TestModels.Distinct[0]).WithQualityMonitoring(q => q.Regression(o => o.Score).Window(window))));

    [Fact]
    public async Task Feedback_ForPredictions_IsJoinedAndClosedWindowsAreInTheHistory()
    {
        await using var app = await StartAsync(window: TestModels.Inputs.Length);
        for (int i = 0; i < 2 * TestModels.Inputs.Length; i++)   // two windows
        {
            var input = TestModels.Inputs[i % TestModels.Inputs.Length];
            using var predicted = await app.Client.PostAsJsonAsync("/mlops/models/house/predict", new { size = input.Size, rooms = input.Rooms });
            var body = await predicted.Content.ReadFromJsonAsync<JsonElement>();
            string id = body.GetProperty("predictionId").GetString()!;

            using var feedback = await app.Client.PostAsJsonAsync($"/mlops/predictions/{id}/feedback", new { actual = input.Price });

            Assert.Equal(HttpStatusCode.OK, feedback.StatusCode);
            var joined = await feedback.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("joined", joined.GetProperty("outcome").GetString());
            Assert.Equal("house", joined.GetProperty("model").GetString());
            Assert.Equal(1, joined.GetProperty("modelVersion").GetInt32());
        }

        var quality = await Eventually.ValueAsync(async () =>
        {
            var q = await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/quality");
            return q.GetProperty("history").GetArrayLength() == 2 ? q : (JsonElement?)null;
        }, "two closed quality windows in the history");
        Assert.Equal(2 * TestModels.Inputs.Length, quality.GetProperty("joinedFeedback").GetInt64());
        Assert.Equal("house", quality.GetProperty("modelName").GetString());   // a ModelName is written as a string
        JsonElement latest = Assert.Single(quality.GetProperty("closed").EnumerateArray());
        Assert.Equal("house", latest.GetProperty("modelName").GetString());

        // The history holds both windows of v1 primary, oldest first; the latest is the one in "closed".
        JsonElement[] history = [.. quality.GetProperty("history").EnumerateArray()];
        Assert.All(history, w => Assert.True(w.GetProperty("isClosed").GetBoolean()));
        Assert.All(history, w => Assert.Equal(TestModels.Inputs.Length, w.GetProperty("count").GetInt64()));
        Assert.True(history[0].GetProperty("end").GetDateTimeOffset() <= history[1].GetProperty("end").GetDateTimeOffset());
        Assert.Equal(latest.GetProperty("end").GetDateTimeOffset(), history[1].GetProperty("end").GetDateTimeOffset());
        Assert.Equal(latest.GetProperty("metrics").GetProperty("mae").GetDouble(), history[1].GetProperty("metrics").GetProperty("mae").GetDouble());
    }

    [Fact]
    public async Task OpenApi_Feedback_DescribesItsResponseRecord()
    {
        await using var app = await StartAsync();

        Assert.Equal(typeof(MLOps.AspNetCore.Internal.FeedbackInfo), ApiResponses.TypeOf(app, "MLOps.Feedback", 200));
        Assert.Contains("predictionId", ApiResponses.SchemaProperties(typeof(MLOps.AspNetCore.Internal.FeedbackInfo)));
    }

    [Fact]
    public async Task Feedback_Twice_IsReportedAsDuplicate()
    {
        await using var app = await StartAsync();
        using var predicted = await app.Client.PostAsJsonAsync("/mlops/models/house/predict", new { size = 100f, rooms = 3f });
        string id = (await predicted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("predictionId").GetString()!;

        using var first = await app.Client.PostAsJsonAsync($"/mlops/predictions/{id}/feedback", new { actual = 250.0 });
        using var second = await app.Client.PostAsJsonAsync($"/mlops/predictions/{id}/feedback", new { actual = 250.0 });

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("duplicate", (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Feedback_WhenTheFleetStoreIsDown_Is503WithRetryAfterAndCanBeSentAgain()
    {
        var queue = new DownQueue();
        await using var app = await TestApp.StartAsync(
            b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromTransformer(TestModels.Distinct[0]).WithQualityMonitoring(q => q.Regression(o => o.Score))),
            services: s => s.AddSingleton<MLOps.Monitoring.Quality.Feedback.IFleetFeedbackQueue>(queue));
        using var predicted = await app.Client.PostAsJsonAsync("/mlops/models/house/predict", new { size = 100f, rooms = 3f });
        string id = (await predicted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("predictionId").GetString()!;

        using var down = await app.Client.PostAsJsonAsync($"/mlops/predictions/{id}/feedback", new { actual = 250.0 });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("application/problem+json", down.Content.Headers.ContentType?.MediaType);
        Assert.Equal("5", down.Headers.GetValues("Retry-After").Single());
        string body = await down.Content.ReadAsStringAsync();
        Assert.Contains("Feedback store unavailable", body, StringComparison.Ordinal);
        Assert.DoesNotContain("connection refused", body, StringComparison.Ordinal);   // the store's own message stays in the log

        queue.Up = true;
        using var again = await app.Client.PostAsJsonAsync($"/mlops/predictions/{id}/feedback", new { actual = 250.0 });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("joined", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        Assert.Equal(1, queue.Enqueued);
    }

    private sealed class DownQueue : MLOps.Monitoring.Quality.Feedback.IFleetFeedbackQueue
    {
        public volatile bool Up;

        public int Enqueued;

        public ValueTask<bool> TryEnqueueAsync(
            MLOps.Monitoring.Quality.Feedback.PredictionRecord prediction, MLOps.Monitoring.Quality.Feedback.FeedbackRecord feedback, CancellationToken cancellationToken = default)
        {
            if (!Up)
            {
                throw new System.Net.Sockets.SocketException(111, "connection refused");
            }

            Interlocked.Increment(ref Enqueued);
            return ValueTask.FromResult(true);
        }

        public ValueTask<IReadOnlyList<MLOps.Monitoring.Quality.Feedback.QueuedFeedback>> ReadAsync(Guid joiner, bool includeOtherJoiners, int limit, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<IReadOnlyList<MLOps.Monitoring.Quality.Feedback.QueuedFeedback>>([]);

        public ValueTask<IReadOnlySet<long>> ClaimAsync(Guid joiner, IReadOnlyList<MLOps.Monitoring.Quality.Feedback.QueuedFeedback> pairs, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<IReadOnlySet<long>>(new HashSet<long>());

        public ValueTask<bool> TryPublishAsync(Guid joiner, Guid windowId, MLOps.Monitoring.Quality.QualityWindow window, IReadOnlyList<long> positions, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(false);

        public ValueTask DeleteAsync(Guid joiner, IReadOnlyList<long> positions, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask ReleaseAsync(Guid joiner, IReadOnlyList<long>? positions, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask<IReadOnlyList<MLOps.Monitoring.Quality.QualityWindow>> ReadPublishedAsync(ModelName model, int limit, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<IReadOnlyList<MLOps.Monitoring.Quality.QualityWindow>>([]);
    }

    [Theory]
    [InlineData("not-an-id", "{\"actual\": 1}", HttpStatusCode.BadRequest, "id")]
    [InlineData("0123456789abcdef0123456789abcdef", "{}", HttpStatusCode.BadRequest, "actual")]
    [InlineData("0123456789abcdef0123456789abcdef", "{\"actual\": null}", HttpStatusCode.BadRequest, "actual")]
    [InlineData("0123456789abcdef0123456789abcdef", "{\"actual\": {\"x\": 1}}", HttpStatusCode.BadRequest, "actual")]
    [InlineData("0123456789abcdef0123456789abcdef", "[1]", HttpStatusCode.BadRequest, "actual")]
    [InlineData("0123456789abcdef0123456789abcdef", "{\"actual\": 12.5}", HttpStatusCode.NotFound, null)]
    public async Task Feedback_BadOrUnknown_ReturnsProblemDetails(string id, string json, HttpStatusCode status, string? field)
    {
        await using var app = await StartAsync();

        using var response = await app.Client.PostAsync($"/mlops/predictions/{id}/feedback", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (field is not null)
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }
    }

    [Fact]
    public async Task Feedback_WithoutQualityMonitoring_IsNotMapped()
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.Client.PostAsJsonAsync("/mlops/predictions/0123456789abcdef0123456789abcdef/feedback", new { actual = 1 });
        using var quality = await app.Client.GetAsync("/mlops/models/house/quality");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, quality.StatusCode);
    }
}
