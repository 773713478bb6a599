using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML;
using MLOps.AspNetCore.Tests.Support;
using MLOps.Core.Tests.Support;

namespace MLOps.AspNetCore.Tests.Endpoints;

public sealed class RegistryEndpointTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "mlops-http-registry-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        // Two versions registered by another process-like service provider; v1 is champion.
        await using var seed = new ServiceCollection().AddLogging().AddMLOps().AddFileSystemRegistry(o => o.RootPath = _root).Services.BuildServiceProvider();
        var registry = seed.GetRequiredService<IModelRegistry>();
        var name = ModelName.Parse("house");
        for (int i = 0; i < 2; i++)
        {
            var v = await registry.RegisterVersionAsync(new RegisterVersionRequest(name, [ModelArtifact.FromBytes(Save(TestModels.Distinct[i]))])
            {
                Metrics = new Dictionary<string, double> { ["r2"] = 0.8 + i / 10.0 },
                Lineage = new ModelLineage { RunId = "run-" + i, Trigger = "initial" },
            });
            if (i == 0)
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
    public async Task Versions_ListsStatusMetricsLineageAndAliases()
    {
        await using var app = await StartAsync(open: true);

        var versions = await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/versions");

        Assert.Equal(2, versions.GetArrayLength());
        Assert.Equal(["champion"], versions[0].GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("ready", versions[0].GetProperty("status").GetString());
        Assert.Equal(0.9, versions[1].GetProperty("metrics").GetProperty("r2").GetDouble(), 12);
        Assert.Equal("run-1", versions[1].GetProperty("lineage").GetProperty("runId").GetString());
        Assert.Equal(64, versions[1].GetProperty("sha256").GetString()!.Length);
    }

    [Fact]
    public async Task Promote_ThenRollback_MovesTheAliasAndTheServedVersionFollows()
    {
        await using var app = await StartAsync(open: true);
        await WaitForServedVersion(app, 1);

        using var promoted = await app.Client.PostAsJsonAsync("/mlops/models/house/aliases/champion", new { version = 2, reason = "better r2" });
        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        var change = await promoted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, change.GetProperty("version").GetInt32());
        Assert.Equal(1, change.GetProperty("previousVersion").GetInt32());
        Assert.Equal("anonymous (http)", change.GetProperty("actor").GetString());
        await WaitForServedVersion(app, 2);

        using var rolledBack = await app.Client.PostAsJsonAsync("/mlops/models/house/rollback", new { reason = "latency regression" });
        Assert.Equal(HttpStatusCode.OK, rolledBack.StatusCode);
        await WaitForServedVersion(app, 1);

        var history = await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/aliases");
        Assert.Equal(["promote", "promote", "rollback"], history.EnumerateArray().Select(h => h.GetProperty("action").GetString()));
        var audit = await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/audit");
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("reason").GetString() == "latency regression");
    }

    [Theory]
    [InlineData("/mlops/models/house/aliases/champion", """{"version": 9, "reason": "x"}""", 404, null)]
    [InlineData("/mlops/models/house/aliases/champion", """{"version": 0, "reason": "x"}""", 400, "version")]
    [InlineData("/mlops/models/house/aliases/champion", """{"version": "2", "reason": "x"}""", 400, "version")]
    [InlineData("/mlops/models/house/aliases/champion", """{"version": 2}""", 400, "reason")]
    [InlineData("/mlops/models/house/aliases/latest", """{"version": 2, "reason": "x"}""", 400, "alias")]
    [InlineData("/mlops/models/house/aliases/v2", """{"version": 2, "reason": "x"}""", 400, "alias")]
    [InlineData("/mlops/models/-bad/aliases/champion", """{"version": 2, "reason": "x"}""", 400, "name")]
    [InlineData("/mlops/models/nobody/aliases/champion", """{"version": 1, "reason": "x"}""", 404, null)]
    [InlineData("/mlops/models/house/rollback", """{"alias": "challenger", "reason": "x"}""", 409, null)]
    [InlineData("/mlops/models/house/rollback", """{"reason": 5}""", 400, "reason")]
    [InlineData("/mlops/models/house/approvals/nope", """{"approve": true, "reason": "x"}""", 404, null)]
    [InlineData("/mlops/models/house/approvals/nope", """{"approve": "yes", "reason": "x"}""", 400, "approve")]
    public async Task Management_BadRequests_ReturnProblemDetailsAndChangeNothing(string url, string json, int status, string? field)
    {
        await using var app = await StartAsync(open: true);

        using var response = await app.Client.PostAsync(url, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        string body = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{url} {json}: HTTP {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (field is not null)
        {
            Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty(field, out _), body);
        }

        var history = await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/aliases");
        Assert.Equal(1, history.GetArrayLength());
    }

    [Fact]
    public async Task Management_WithoutAuthenticationOrOptIn_IsNotMapped()
    {
        await using var app = await StartAsync(open: false);

        using var promote = await app.Client.PostAsJsonAsync("/mlops/models/house/aliases/champion", new { version = 2, reason = "x" });
        using var versions = await app.Client.GetAsync("/mlops/models/house/versions");

        Assert.Equal(HttpStatusCode.NotFound, promote.StatusCode);
        Assert.Equal(HttpStatusCode.OK, versions.StatusCode);   // reading is not management
    }

    [Fact]
    public async Task Management_WithAuthentication_RequiresTheAdminPolicy()
    {
        await using var app = await TestApp.StartAsync(
            b => b.AddFileSystemRegistry(o => o.RootPath = _root).AddModel<HouseInput, HousePrediction>("house", m => m.FromRegistry(alias: "champion")),
            services: s => s
                .AddAuthorization(o => o.AddPolicy("MLOps.Admin", p => p.RequireRole("ml-admin")))
                .AddAuthentication("Header").AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>("Header", null),
            app: web =>
            {
                web.UseAuthentication();
                web.UseAuthorization();
            });

        using var anonymous = await Send(app, user: null);
        using var engineer = await Send(app, user: "alice:engineer");
        using var admin = await Send(app, user: "bob:ml-admin");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, engineer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal("bob", (await admin.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("actor").GetString());

        static Task<HttpResponseMessage> Send(TestApp app, string? user)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/mlops/models/house/aliases/challenger")
            {
                Content = JsonContent.Create(new { version = 2, reason = "canary" }),
            };
            if (user is not null)
            {
                request.Headers.Add("X-Test-User", user);
            }

            return app.Client.SendAsync(request);
        }
    }

    [Fact]
    public async Task Retrain_Manual_RunsInTheBackgroundAndReportsTheOutcome()
    {
        var random = new Random(3);
        var rows = Enumerable.Range(0, 400).Select(_ =>
        {
            float size = 20 + (float)(random.NextDouble() * 180), rooms = 1 + random.Next(6);
            return new HouseInput { Size = size, Rooms = rooms, Price = (60 * size) + (500 * rooms) };
        }).ToList();
        await using var app = await TestApp.StartAsync(
            b => b.AddFileSystemRegistry(o => o.RootPath = _root).AddModel<HouseInput, HousePrediction>("house", m => m
                .FromRegistry(alias: "champion")
                .WithRetrainPolicy(r => r
                    .TrainWith(ml => ml.Transforms.Concatenate("Features", nameof(HouseInput.Size), nameof(HouseInput.Rooms))
                        .Append(ml.Transforms.NormalizeMinMax("Features"))
                        .Append(ml.Regression.Trainers.Sdca(labelColumnName: nameof(HouseInput.Price), maximumNumberOfIterations: 20)))
                    .TrainOn(_ => new Rows(rows))
                    .EvaluateRegression("r2", labelColumn: nameof(HouseInput.Price)))),
            endpoints: o => o.AllowUnauthenticatedManagement = true,
            services: s => s.Configure<MLOps.Monitoring.Retraining.RetrainOptions>(o => o.StateDirectory = Path.Combine(_root, "retrain")));

        using var missingReason = await app.Client.PostAsJsonAsync("/mlops/models/house/retrain", new { });
        using var accepted = await app.Client.PostAsJsonAsync("/mlops/models/house/retrain", new { reason = "new pricing data" });
        using var unknown = await app.Client.PostAsJsonAsync("/mlops/models/nobody/retrain", new { reason = "x" });

        Assert.Equal(HttpStatusCode.BadRequest, missingReason.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var status = await Eventually.ValueAsync(async () =>
        {
            var s = await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/retrain");
            return s.GetProperty("recentRuns").GetArrayLength() > 0 ? s : (JsonElement?)null;
        }, "the retrain run", timeoutSeconds: 120);
        var run = status.GetProperty("recentRuns")[0];
        Assert.Equal("promoted", run.GetProperty("outcome").GetString());
        Assert.Equal("manual", run.GetProperty("trigger").GetProperty("kind").GetString());
        await WaitForServedVersion(app, 3);
    }

    [Fact]
    public async Task OpenApi_RegistryAndModelEndpoints_DescribeTheirResponseRecords()
    {
        await using TestApp app = await StartAsync(open: true);

        Assert.Equal(typeof(MLOps.AspNetCore.Internal.ModelInfo[]), ApiResponses.TypeOf(app, "MLOps.ListModels", 200));
        Assert.Equal(typeof(MLOps.AspNetCore.Internal.ModelInfo), ApiResponses.TypeOf(app, "MLOps.GetModel", 200));
        Assert.Equal(typeof(MLOps.AspNetCore.Internal.VersionInfo[]), ApiResponses.TypeOf(app, "MLOps.ListVersions", 200));
        Assert.Equal(typeof(MLOps.AspNetCore.Internal.AliasChangeInfo[]), ApiResponses.TypeOf(app, "MLOps.AliasHistory", 200));
        Assert.Equal(typeof(MLOps.AspNetCore.Internal.AliasChangeInfo), ApiResponses.TypeOf(app, "MLOps.Promote", 200));
        Assert.Equal(typeof(MLOps.AspNetCore.Internal.AliasChangeInfo), ApiResponses.TypeOf(app, "MLOps.Rollback", 200));
        Assert.Equal(typeof(MLOps.AspNetCore.Internal.ApprovalInfo[]), ApiResponses.TypeOf(app, "MLOps.ListApprovals", 200));
        Assert.Equal(typeof(MLOps.AspNetCore.Internal.ApprovalInfo), ApiResponses.TypeOf(app, "MLOps.DecideApproval", 200));
        Assert.Equal(typeof(MLOps.AspNetCore.Internal.AuditEventInfo[]), ApiResponses.TypeOf(app, "MLOps.Audit", 200));

        // The schemas an OpenAPI document is built from still list the fields, though the records are internal.
        Assert.Contains("input", ApiResponses.SchemaProperties(typeof(MLOps.AspNetCore.Internal.ModelInfo[])));
        Assert.Contains("lineage", ApiResponses.SchemaProperties(typeof(MLOps.AspNetCore.Internal.VersionInfo[])));
        Assert.Contains("datasetDigest", ApiResponses.SchemaProperties(typeof(MLOps.AspNetCore.Internal.LineageInfo)));
        Assert.Contains("previousVersion", ApiResponses.SchemaProperties(typeof(MLOps.AspNetCore.Internal.AliasChangeInfo)));
        Assert.Contains("decidedBy", ApiResponses.SchemaProperties(typeof(MLOps.AspNetCore.Internal.ApprovalInfo)));
        Assert.Contains("target", ApiResponses.SchemaProperties(typeof(MLOps.AspNetCore.Internal.AuditEventInfo)));
    }

    private sealed class Rows(List<HouseInput> rows) : MLOps.Monitoring.Retraining.ITrainingDataSource<HouseInput>
    {
        public ValueTask<IReadOnlyList<HouseInput>> LoadAsync(MLOps.Monitoring.Retraining.RetrainTrigger trigger, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<HouseInput>>(rows);
    }

    private Task<TestApp> StartAsync(bool open) => TestApp.StartAsync(
        b => b.AddFileSystemRegistry(o => o.RootPath = _root).AddModel<HouseInput, HousePrediction>("house", m => m.FromRegistry(alias: "champion")),
        endpoints: o => o.AllowUnauthenticatedManagement = open);

    private static async Task WaitForServedVersion(TestApp app, int version) =>
        await Eventually.ValueAsync(async () =>
        {
            var model = await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house");
            return model.GetProperty("version").ValueKind == JsonValueKind.Number && model.GetProperty("version").GetInt32() == version ? true : (bool?)null;
        }, $"version {version} served");

    private static byte[] Save(ITransformer model)
    {
        var ml = new MLContext(0);
        using var stream = new MemoryStream();
        ml.Model.Save(model, ml.Data.LoadFromEnumerable(Array.Empty<HouseInput>()).Schema, stream);
        return stream.ToArray();
    }

    /// <summary>Authenticates "X-Test-User: name:role" — a real ASP.NET Core authentication handler, for the policy test.</summary>
    private sealed class HeaderAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue("X-Test-User", out var value) || value.ToString().Split(':') is not [var name, var role])
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)], Scheme.Name);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
        }
    }
}
