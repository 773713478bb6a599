using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using MLOps.AspNetCore.Tests.Support;
using MLOps.Core.Tests.Support;
using MLOps.Monitoring.Rollouts;
using MLOps.Monitoring.Statistics;

namespace MLOps.AspNetCore.Tests.Endpoints;

/// <summary>The rollout endpoints (issue 11 §1): start, read, the operator's decisions, and every refusal as ProblemDetails.</summary>
public sealed class RolloutEndpointTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "mlops-http-rollouts-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        // Three versions of "house"; v1 is champion.
        await using var seed = new ServiceCollection().AddLogging().AddMLOps().AddFileSystemRegistry(o => o.RootPath = _root).Services.BuildServiceProvider();
        var registry = seed.GetRequiredService<IModelRegistry>();
        var name = ModelName.Parse("house");
        for (int i = 0; i < 3; i++)
        {
            await registry.RegisterVersionAsync(new RegisterVersionRequest(name, [ModelArtifact.FromBytes(Save(TestModels.Distinct[i % 2]))]));
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
    public async Task Start_ThenGetActiveAndList_ReturnTheRolloutWithItsSettings()
    {
        await using var app = await StartAsync(open: true);

        using var started = await Post(app, "/mlops/models/house/rollouts", """
            {"candidate": 2, "strategy": "canary", "steps": [5, 50], "warmupPredictions": 10, "reason": "new features",
             "analysis": {"interval": "00:00:30", "maxErrorRate": null, "alpha": 0.01, "requireApproval": true, "promoteShadowWhenBetter": true}}
            """);

        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        var rollout = await started.Content.ReadFromJsonAsync<JsonElement>();
        string id = rollout.GetProperty("id").GetString()!;
        Assert.Equal(("canary", "progressing", true, 1, 2), (rollout.GetProperty("strategy").GetString(), rollout.GetProperty("state").GetString(),
            rollout.GetProperty("isActive").GetBoolean(), rollout.GetProperty("primary").GetInt32(), rollout.GetProperty("candidate").GetInt32()));
        Assert.Equal((5, 0, 10, 1L), (rollout.GetProperty("candidateWeight").GetInt32(), rollout.GetProperty("step").GetInt32(),
            rollout.GetProperty("warmupPredictions").GetInt32(), rollout.GetProperty("revision").GetInt64()));
        JsonElement analysis = rollout.GetProperty("analysis");
        Assert.Equal("00:00:30", analysis.GetProperty("interval").GetString());
        Assert.Equal(JsonValueKind.Null, analysis.GetProperty("maxErrorRate").ValueKind);
        Assert.Equal(1.5, analysis.GetProperty("maxLatencyRatio").GetDouble());
        Assert.Equal(0.01, analysis.GetProperty("alpha").GetDouble());
        Assert.True(analysis.GetProperty("requireApproval").GetBoolean());
        Assert.True(analysis.GetProperty("promoteShadowWhenBetter").GetBoolean());
        JsonElement decision = rollout.GetProperty("decisions")[0];
        Assert.Equal(("started", "new features", "anonymous (http)"), (decision.GetProperty("action").GetString(), decision.GetProperty("reason").GetString(),
            decision.GetProperty("actor").GetString()));

        var active = await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/rollout");
        Assert.Equal(id, active.GetProperty("id").GetString());
        var all = await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/rollouts");
        Assert.Equal([id], all.EnumerateArray().Select(r => r.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Decisions_PauseResumeThenPromote_MoveTheAliasAndEndTheRollout()
    {
        await using var app = await StartAsync(open: true);
        string id = await StartRolloutAsync(app);

        using var paused = await Post(app, $"/mlops/models/house/rollouts/{id}/pause", """{"reason": "alert firing", "expectedRevision": 1}""");
        Assert.Equal("paused", (await paused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());
        using var resumed = await app.Client.PostAsync($"/mlops/models/house/rollouts/{id}/resume", content: null);   // no body at all
        var progressing = await resumed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("progressing", "resume (http)"), (progressing.GetProperty("state").GetString(), progressing.GetProperty("decisions")[2].GetProperty("reason").GetString()));
        using var promoted = await Post(app, $"/mlops/models/house/rollouts/{id}/promote", """{"reason": "checks passed"}""");

        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        var ended = await promoted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("succeeded", 100, 4L), (ended.GetProperty("state").GetString(), ended.GetProperty("candidateWeight").GetInt32(), ended.GetProperty("revision").GetInt64()));
        var aliases = await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/aliases");
        Assert.Equal(2, aliases[aliases.GetArrayLength() - 1].GetProperty("version").GetInt32());
        using var none = await app.Client.GetAsync("/mlops/models/house/rollout");
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no active rollout", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decisions_StaleRevisionSecondStartAndActionOnAnEndedRollout_Return409()
    {
        await using var app = await StartAsync(open: true);
        string id = await StartRolloutAsync(app);
        using var held = await Post(app, $"/mlops/models/house/rollouts/{id}/pause", "{}");

        using var stale = await Post(app, $"/mlops/models/house/rollouts/{id}/resume", """{"expectedRevision": 1}""");
        using var second = await Post(app, "/mlops/models/house/rollouts", """{"candidate": 3, "strategy": "blue_green"}""");
        using var aborted = await Post(app, $"/mlops/models/house/rollouts/{id}/abort", """{"reason": "wrong candidate"}""");
        using var approveEnded = await Post(app, $"/mlops/models/house/rollouts/{id}/approve", "{}");

        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("aborted", (await aborted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.Conflict, approveEnded.StatusCode);
        Assert.Equal("application/problem+json", approveEnded.Content.Headers.ContentType?.MediaType);
        using var next = await Post(app, "/mlops/models/house/rollouts", """{"candidate": 3, "strategy": "blue-green"}""");
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal([100], (await next.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("steps").EnumerateArray().Select(s => s.GetInt32()));
    }

    [Theory]
    [InlineData("/mlops/models/house/rollouts", """{"strategy": "canary"}""", 400, "candidate")]
    [InlineData("/mlops/models/house/rollouts", """{"candidate": "2", "strategy": "canary"}""", 400, "candidate")]
    [InlineData("/mlops/models/house/rollouts", """{"candidate": 1e400, "strategy": "canary"}""", 400, "candidate")]
    [InlineData("/mlops/models/house/rollouts", """{"candidate": 2}""", 400, "strategy")]
    [InlineData("/mlops/models/house/rollouts", """{"candidate": 2, "strategy": "linear"}""", 400, "strategy")]
    [InlineData("/mlops/models/house/rollouts", """{"candidate": 2, "strategy": "1"}""", 400, "strategy")]
    [InlineData("/mlops/models/house/rollouts", """{"candidate": 2, "strategy": 1}""", 400, "strategy")]
    [InlineData("/mlops/models/house/rollouts", """{"candidate": 2, "strategy": "canary", "steps": "10"}""", 400, "steps")]
    [InlineData("/mlops/models/house/rollouts", """{"candidate": 2, "strategy": "canary", "steps": [1e400]}""", 400, "steps")]
    [InlineData("/mlops/models/house/rollouts", """{"candidate": 2, "strategy": "canary", "steps": [50, 10]}""", 400, "request")]
    [InlineData("/mlops/models/house/rollouts", """{"candidate": 2, "strategy": "canary", "analysis": []}""", 400, "analysis")]
    [InlineData("/mlops/models/house/rollouts", """{"candidate": 2, "strategy": "canary", "analysis": {"alpha": 1e400}}""", 400, "analysis.alpha")]
    [InlineData("/mlops/models/house/rollouts", """{"candidate": 2, "strategy": "canary", "analysis": {"alpha": 2}}""", 400, "request")]
    [InlineData("/mlops/models/house/rollouts", """{"candidate": 2, "strategy": "canary", "analysis": {"interval": "soon"}}""", 400, "analysis.interval")]
    [InlineData("/mlops/models/house/rollouts", """{"candidate": 2, "strategy": "canary", "analysis": {"interval": 60}}""", 400, "analysis.interval")]
    [InlineData("/mlops/models/house/rollouts", """{"candidate": 2, "strategy": "canary", "analysis": {"failureThreshold": 1e400}}""", 400, "analysis.failureThreshold")]
    [InlineData("/mlops/models/house/rollouts", """{"candidate": 2, "strategy": "canary", "analysis": {"requireApproval": "yes"}}""", 400, "analysis.requireApproval")]
    [InlineData("/mlops/models/house/rollouts", """{"candidate": 2, "strategy": "canary", "warmupPredictions": -1}""", 400, "warmupPredictions")]
    [InlineData("/mlops/models/house/rollouts", """{"candidate": 2, "strategy": "canary", "warmupPredictions": 100001}""", 400, "request")]
    [InlineData("/mlops/models/house/rollouts", """{"candidate": 2, "strategy": "canary", "alias": "latest"}""", 400, "alias")]
    [InlineData("/mlops/models/house/rollouts", """{"candidate": 2, "strategy": "canary", "alias": "staging"}""", 404, null)]
    [InlineData("/mlops/models/house/rollouts", """{"candidate": 9, "strategy": "canary"}""", 404, null)]
    [InlineData("/mlops/models/house/rollouts", """{"candidate": 1, "strategy": "canary"}""", 409, null)]
    [InlineData("/mlops/models/nobody/rollouts", """{"candidate": 2, "strategy": "canary"}""", 404, null)]
    [InlineData("/mlops/models/-bad/rollouts", """{"candidate": 2, "strategy": "canary"}""", 400, "name")]
    [InlineData("/mlops/models/house/rollouts/0123456789abcdef0123456789abcdef/pause", "{}", 404, null)]
    [InlineData("/mlops/models/house/rollouts/0123456789abcdef0123456789abcdef/explode", "{}", 404, null)]
    [InlineData("/mlops/models/house/rollouts/0123456789abcdef0123456789abcdef/pause", """{"expectedRevision": "1"}""", 400, "expectedRevision")]
    [InlineData("/mlops/models/house/rollouts/0123456789abcdef0123456789abcdef/pause", """{"expectedRevision": 0}""", 400, "expectedRevision")]
    [InlineData("/mlops/models/house/rollouts/0123456789abcdef0123456789abcdef/pause", """{"reason": 5}""", 400, "reason")]
    [InlineData("/mlops/models/house/rollouts/0123456789abcdef0123456789abcdef/pause", """[1]""", 400, "")]
    public async Task Management_BadRequests_ReturnProblemDetailsAndStartNothing(string url, string json, int status, string? field)
    {
        await using var app = await StartAsync(open: true);

        using var response = await Post(app, url, json);

        string body = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{url} {json}: HTTP {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (field is not null)
        {
            Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty(field, out _), body);
        }

        Assert.Equal(0, (await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/rollouts")).GetArrayLength());
    }

    [Fact]
    public async Task Management_HugeOrNonTextValues_Return400WithAShortMessage()
    {
        await using var app = await StartAsync(open: true);
        string huge = new('x', 100_000);

        using var reason = await Post(app, "/mlops/models/house/rollouts", $$"""{"candidate": 2, "strategy": "canary", "reason": "{{huge}}"}""");
        using var strategy = await Post(app, "/mlops/models/house/rollouts", $$"""{"candidate": 2, "strategy": "{{huge}}"}""");
        using var metric = await Post(app, "/mlops/models/house/rollouts", """{"candidate": 2, "strategy": "canary", "analysis": {"qualityMetric": "m\ud800"}}""");
        using var id = await Post(app, $"/mlops/models/house/rollouts/{huge}/pause", "{}");

        foreach (var response in new[] { reason, strategy, metric, id })
        {
            string body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestUriTooLong or HttpStatusCode.NotFound, body);
            Assert.True(body.Length < 2_000, "the answer does not echo the value: " + body.Length);
        }

        Assert.Equal(HttpStatusCode.BadRequest, metric.StatusCode);
    }

    [Fact]
    public async Task Management_WithoutAuthenticationOrOptIn_IsNotMappedButReadsAre()
    {
        await using var app = await StartAsync(open: false);

        using var start = await Post(app, "/mlops/models/house/rollouts", """{"candidate": 2, "strategy": "canary"}""");
        using var list = await app.Client.GetAsync("/mlops/models/house/rollouts");
        using var active = await app.Client.GetAsync("/mlops/models/house/rollout");
        using var unknown = await app.Client.GetAsync("/mlops/models/nobody/rollout");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, start.StatusCode);   // only the GET of that route is mapped
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(0, (await list.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, active.StatusCode);
        Assert.Contains("no active rollout", await active.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("No model named", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_RolloutEndpoints_DescribeTheirResponseRecords()
    {
        await using TestApp app = await StartAsync(open: true);

        Assert.Equal(typeof(MLOps.AspNetCore.Internal.RolloutInfo), ApiResponses.TypeOf(app, "MLOps.ActiveRollout", 200));
        Assert.Equal(typeof(MLOps.AspNetCore.Internal.RolloutInfo[]), ApiResponses.TypeOf(app, "MLOps.ListRollouts", 200));
        Assert.Equal(typeof(MLOps.AspNetCore.Internal.RolloutInfo), ApiResponses.TypeOf(app, "MLOps.StartRollout", 200));
        Assert.Equal(typeof(MLOps.AspNetCore.Internal.RolloutInfo), ApiResponses.TypeOf(app, "MLOps.DecideRollout", 200));
        Assert.Contains("candidateWeight", ApiResponses.SchemaProperties(typeof(MLOps.AspNetCore.Internal.RolloutInfo)));
    }

    [Fact]
    public async Task Predict_DuringACanary_TheAssignmentKeyHeaderKeepsAKeyOnOneArm()
    {
        await using var app = await StartAsync(open: true);
        using var started = await Post(app, "/mlops/models/house/rollouts", """{"candidate": 2, "strategy": "canary", "steps": [50]}""");
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);

        // Distinct keys reach both arms once the candidate is loaded (50 %: 40 keys all on one arm has odds 2^-39).
        await Eventually.HoldsAsync(
            async () => (await Task.WhenAll(Enumerable.Range(0, 40).Select(i => PredictVersionAsync(app, "key-" + i)))).Distinct().Count() == 2,
            "both arms answer");

        foreach (string key in new[] { "customer-7", "customer-8", "ü-ключ" })
        {
            int[] versions = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => PredictVersionAsync(app, Uri.EscapeDataString(key))));
            Assert.Single(versions.Distinct());   // sticky: the same key, the same arm, every time
        }
    }

    [Theory]
    [InlineData("predict", "repeated")]
    [InlineData("predict", "blank")]
    [InlineData("predict", "long")]
    [InlineData("predict/batch", "repeated")]
    [InlineData("predict/batch", "blank")]
    [InlineData("predict/batch", "long")]
    public async Task Predict_BadAssignmentKeyHeader_IsA400Problem(string route, string kind)
    {
        await using var app = await StartAsync(open: false);
        string json = route == "predict" ? """{"size": 120, "rooms": 4}""" : """[{"size": 120, "rooms": 4}]""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mlops/models/house/" + route)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        switch (kind)
        {
            case "repeated":
                request.Headers.TryAddWithoutValidation("X-Assignment-Key", ["a", "b"]);
                break;
            case "blank":
                request.Headers.TryAddWithoutValidation("X-Assignment-Key", "\t");
                break;
            default:
                request.Headers.TryAddWithoutValidation("X-Assignment-Key", new string('k', MLOpsEndpointOptions.MaxAssignmentKeyLength + 1));
                break;
        }

        using var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("X-Assignment-Key", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("X Key")]
    [InlineData("X-Key:")]
    [InlineData("X-Ключ")]
    public async Task AssignmentKeyHeader_NotAHeaderName_FailsAtMapping(string header)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => TestApp.StartAsync(endpoints: o => o.AssignmentKeyHeader = header));
        Assert.Equal(nameof(MLOpsEndpointOptions.AssignmentKeyHeader), ex.ParamName);
    }

    [Fact]
    public async Task GetActive_WithTheRolloutAnalysis_CarriesThisReplicasFiguresWithNonFiniteValuesAsNull()
    {
        var monitor = new FixedRolloutMonitor();
        await using var app = await TestApp.StartAsync(
            b => b.AddFileSystemRegistry(o => o.RootPath = _root).AddModel<HouseInput, HousePrediction>("house", m => m.FromRegistry(alias: "champion")),
            endpoints: o => o.AllowUnauthenticatedManagement = true,
            services: s => s.AddSingleton<IRolloutMonitor>(monitor));
        string id = await StartRolloutAsync(app);

        monitor.Status = Status("another-rollout");   // an analysis of an older rollout is not shown
        JsonElement before = await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/rollout");
        Assert.Equal(JsonValueKind.Null, before.GetProperty("status").ValueKind);

        monitor.Status = Status(id);
        JsonElement rollout = await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/rollout");
        JsonElement status = rollout.GetProperty("status");
        Assert.Equal("waiting for data", status.GetProperty("summary").GetString());
        JsonElement candidate = status.GetProperty("candidate");
        Assert.Equal((2, "candidate", 40L, 4L, 0.1), (candidate.GetProperty("version").GetInt32(), candidate.GetProperty("variant").GetString(),
            candidate.GetProperty("requests").GetInt64(), candidate.GetProperty("errors").GetInt64(), candidate.GetProperty("errorRate").GetDouble()));
        Assert.Equal(2.5, candidate.GetProperty("latencyP95Ms").GetDouble());
        Assert.Equal(JsonValueKind.Null, candidate.GetProperty("quality").ValueKind);   // NaN: JSON has none
        JsonElement experiment = status.GetProperty("experiment");
        Assert.Equal(JsonValueKind.Null, experiment.GetProperty("lower").ValueKind);    // -∞ while the interval is unbounded
        Assert.Equal(JsonValueKind.Null, experiment.GetProperty("upper").ValueKind);
        Assert.Equal(0.5, experiment.GetProperty("pValue").GetDouble());
    }

    private static RolloutStatus Status(string rolloutId) => new()
    {
        ModelName = ModelName.Parse("house"),
        RolloutId = rolloutId,
        Strategy = RolloutStrategy.Canary,
        State = RolloutState.Progressing,
        Primary = new RolloutArmStatus { Version = new ModelVersion(1), Variant = "primary", Requests = 360 },
        Candidate = new RolloutArmStatus
        {
            Version = new ModelVersion(2), Variant = "candidate", Requests = 40, Errors = 4,
            LatencyP95 = TimeSpan.FromMilliseconds(2.5), Quality = double.NaN,
        },
        Summary = "waiting for data",
        Experiment = new SequentialTestResult(0.1, 1.2, 0.5, ConfidenceInterval.Unbounded, SequentialDecision.None, false, 0.01),
        EvaluatedAt = DateTimeOffset.UnixEpoch,
    };

    private sealed class FixedRolloutMonitor : IRolloutMonitor
    {
        public volatile RolloutStatus? Status;

        public RolloutStatus? GetStatus(ModelName modelName) => Status;
    }

    private static async Task<int> PredictVersionAsync(TestApp app, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mlops/models/house/predict")
        {
            Content = new StringContent("""{"size": 120, "rooms": 4}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Assignment-Key", key);
        using var response = await app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("modelVersion").GetInt32();
    }

    private static Task<HttpResponseMessage> Post(TestApp app, string url, string json) =>
        app.Client.PostAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<string> StartRolloutAsync(TestApp app)
    {
        using var started = await Post(app, "/mlops/models/house/rollouts", """{"candidate": 2, "strategy": "canary"}""");
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        return (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private Task<TestApp> StartAsync(bool open) => TestApp.StartAsync(
        b => b.AddFileSystemRegistry(o => o.RootPath = _root).AddModel<HouseInput, HousePrediction>("house", m => m.FromRegistry(alias: "champion")),
        endpoints: o => o.AllowUnauthenticatedManagement = open);

    private static byte[] Save(ITransformer model)
    {
        var ml = new MLContext(0);
        using var stream = new MemoryStream();
        ml.Model.Save(model, ml.Data.LoadFromEnumerable(Array.Empty<HouseInput>()).Schema, stream);
        return stream.ToArray();
    }
}
