using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using Microsoft.Playwright;
using MLOps.AspNetCore.Tests.Support;
using MLOps.Core.Tests.Support;
using MLOps.Monitoring.Alerting;
using MLOps.Monitoring.Profiles;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace MLOps.AspNetCore.Tests.Dashboard;

/// <summary>
/// The dashboard in a real browser (Debian's Chromium, driven by Playwright) against a real Kestrel app with a
/// file-system registry, a registry-served model, drift monitoring with short windows, quality monitoring and alerting.
/// Each run leaves screenshots in <c>dashboard/</c> under the test output.
/// </summary>
public sealed class DashboardBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly ModelName House = ModelName.Parse("house");

    /// <summary>A promotion reason that would load an image and run script if the page parsed server strings as HTML.</summary>
    private const string Markup = "<img src=/pwned onerror=\"window.__pwned=1\"><b>better r2</b>";
    private readonly TempDirectory _registry = new();

    public async Task InitializeAsync()
    {
        // Two registered versions; v1 is champion.
        await using var seed = new ServiceCollection().AddLogging().AddMLOps().AddFileSystemRegistry(o => o.RootPath = _registry.Path).Services.BuildServiceProvider();
        var registry = seed.GetRequiredService<IModelRegistry>();
        for (int i = 0; i < 2; i++)
        {
            var v = await registry.RegisterVersionAsync(new RegisterVersionRequest(House, [ModelArtifact.FromBytes(Save(TestModels.Distinct[i]))])
            {
                Metrics = new Dictionary<string, double> { ["r2"] = 0.8 + i / 10.0 },
                Lineage = new ModelLineage { RunId = "run-" + i, Trigger = "initial" },
            });
            if (i == 0)
            {
                await registry.PromoteAsync(new PromoteRequest(House, v.Version, ModelAlias.Champion) { Reason = "first model" });
            }
        }
    }

    public Task DisposeAsync()
    {
        _registry.Dispose();
        return Task.CompletedTask;
    }

    [ChromiumFact]
    public async Task Dashboard_InChromium_ShowsModelDriftAndQuality_AndFollowsAPromotionWithoutReload()
    {
        var random = new Random(7);
        var reference = ReferenceProfile.Create(Enumerable.Range(0, 500).Select(_ => new HouseInput { Size = 50 + (float)(random.NextDouble() * 100), Rooms = 1 + random.Next(5) }));
        await using var app = await TestApp.StartAsync(
            b => b.AddFileSystemRegistry(o => o.RootPath = _registry.Path).AddModel<HouseInput, HousePrediction>("house", m => m
                .FromRegistry(alias: "champion")
                .WithDriftMonitoring(d => d.WindowSize(20).UseReference(reference))
                .WithQualityMonitoring(q => q.Regression(o => o.Score).Window(5)))
                .AddAlerting(a => a.OnDriftDetected(severity: AlertSeverity.Critical).EvaluateEvery(TimeSpan.FromMilliseconds(500))),
            endpoints: o => o.AllowUnauthenticatedManagement = true,   // the audit trail is a management endpoint
            app: web => web.MapMLOpsDashboard(configure: o => o.RefreshInterval = TimeSpan.FromSeconds(1)),
            kestrel: true);

        // Two drift windows of v1 (in distribution, then shifted) and two closed quality windows (the service's history).
        var v1 = await PredictAsync(app, random, 20, shifted: false);
        v1.AddRange(await PredictAsync(app, random, 20, shifted: true));
        await FeedbackAsync(app, random, v1.Take(10));
        await Eventually.HoldsAsync(async () => (await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/drift/history")).GetArrayLength() == 2, "two drift windows");
        await Eventually.HoldsAsync(async () => (await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/quality")).GetProperty("history").GetArrayLength() == 2, "two closed quality windows");

        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumFactAttribute.Path, Headless = true });
        await using IBrowserContext context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        IPage page = await context.NewPageAsync();
        var requests = new ConcurrentQueue<string>();
        var errors = new ConcurrentQueue<string>();
        page.Request += (_, request) => requests.Enqueue(request.Url);
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                errors.Enqueue($"console {message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => errors.Enqueue("page error: " + error);
        page.RequestFailed += (_, request) => errors.Enqueue($"request failed: {request.Url} {request.Failure}");
        SetDefaultExpectTimeout(30_000);

        await page.GotoAsync(new Uri(app.Address!, "/mlops/ui").ToString());

        ILocator model = page.Locator("section.model[data-model='house']");
        await Expect(model.Locator("h2")).ToContainTextAsync("primary: v1");
        await Expect(model.Locator("svg.drift-chart")).ToBeVisibleAsync();
        await Expect(model.Locator("svg.drift-chart circle.point.drifted").First).ToBeVisibleAsync();   // the shifted window
        // A freshly opened page shows both closed windows (seeded from the service's history, not only the latest).
        await Expect(model.Locator("svg.quality-chart circle")).ToHaveCountAsync(2);

        // A third quality window closes while the page is open: the chart gains a point (no duplicate of the seeded ones).
        await FeedbackAsync(app, random, v1.Skip(10).Take(5));
        await Expect(model.Locator("svg.quality-chart circle")).ToHaveCountAsync(3);
        await Expect(model).ToContainTextAsync("Alias history");
        await Expect(page.Locator("#alerts .alert")).ToContainTextAsync("firing");   // the shifted window's dataset drift
        await Expect(page.Locator("#alerts .alert")).ToContainTextAsync("drift-detected-dataset (critical)");
        ILocator audit = model.Locator(".block", new() { HasText = "Recent audit trail" });
        await Expect(audit).ToContainTextAsync(AuditActions.AliasPromoted);
        await Expect(page.Locator("#status")).ToContainTextAsync("Updated");
        Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "dashboard"));
        string before = Path.Combine(AppContext.BaseDirectory, "dashboard", "dashboard-v1.png");
        await page.ScreenshotAsync(new() { Path = before, FullPage = true });

        // Promote v2 through the registry; the open page must show it on its own (no reload, no navigation).
        await page.EvaluateAsync("() => { window.__sameDocument = 'yes'; }");
        await app.Services.GetRequiredService<IModelRegistry>().PromoteAsync(
            new PromoteRequest(House, new ModelVersion(2), ModelAlias.Champion) { Reason = Markup, Actor = "dashboard-test" });

        await Expect(model.Locator("h2")).ToContainTextAsync("primary: v2");
        await Expect(model).ToContainTextAsync("promote v1 → v2");
        await Expect(model).ToContainTextAsync(Markup);   // shown as text, never parsed
        await Expect(audit).ToContainTextAsync("dashboard-test");
        await Expect(page.Locator("#models img, #models b")).ToHaveCountAsync(0);

        // v2's first quality window appears as its own series.
        await FeedbackAsync(app, random, await PredictAsync(app, random, 5, shifted: false));
        await Expect(model.Locator(".legend")).ToContainTextAsync("v2 primary");
        Assert.Equal("yes", await page.EvaluateAsync<string>("() => window.__sameDocument"));
        string after = Path.Combine(AppContext.BaseDirectory, "dashboard", "dashboard-v2.png");
        await page.ScreenshotAsync(new() { Path = after, FullPage = true });
        output.WriteLine($"Screenshots: {before}, {after}");

        Assert.Null(await page.EvaluateAsync<int?>("() => window.__pwned ?? null"));
        Assert.Empty(errors);
        Assert.DoesNotContain(requests, url => url.Contains("pwned", StringComparison.Ordinal));
        string origin = app.Address!.GetLeftPart(UriPartial.Authority);
        Assert.NotEmpty(requests);
        Assert.All(requests, url => Assert.StartsWith(origin + "/", url, StringComparison.Ordinal));
        Assert.Contains(requests, url => url.EndsWith("/mlops/models/house/drift/history", StringComparison.Ordinal));
    }

    [ChromiumFact]
    public async Task Dashboard_ModelWithoutMonitoring_SaysNotMonitored_AndAbsentServicesSaySo()
    {
        await using var app = await TestApp.StartAsync(
            b => b
                .AddModel<HouseInput, HousePrediction>("house", m => m.FromTransformer(TestModels.Distinct[0]).WithDriftMonitoring(d => d.WindowSize(20).UseReference(
                    ReferenceProfile.Create(Enumerable.Range(0, 100).Select(i => new HouseInput { Size = 50 + i, Rooms = 1 + i % 5 })))))
                .AddModel<HouseInput, HousePrediction>("plain", m => m.FromTransformer(TestModels.Distinct[1])),
            app: web => web.MapMLOpsDashboard(configure: o => o.RefreshInterval = TimeSpan.FromSeconds(1)),
            kestrel: true);
        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumFactAttribute.Path, Headless = true });
        IPage page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var failures = new ConcurrentQueue<string>();
        var errors = new ConcurrentQueue<string>();
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                failures.Enqueue(response.Url);
            }
        };
        page.Console += (_, message) =>
        {
            // The browser reports each 4xx it fetched as a console error: the expected 404 of the model without drift monitoring.
            if (message.Type is "error" && !message.Text.StartsWith("Failed to load resource: the server responded with a status of 404", StringComparison.Ordinal))
            {
                errors.Enqueue(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Enqueue("page error: " + error);
        SetDefaultExpectTimeout(30_000);

        await page.GotoAsync(new Uri(app.Address!, "/mlops/ui/").ToString());

        ILocator plain = page.Locator("section.model[data-model='plain']");
        ILocator house = page.Locator("section.model[data-model='house']");
        await Expect(plain).ToContainTextAsync("Not monitored for drift (WithDriftMonitoring).");
        await Expect(house).ToContainTextAsync("Monitored; no drift window has closed yet.");
        await Expect(house).ToContainTextAsync("Quality monitoring is not configured in this service.");
        await Expect(house).ToContainTextAsync("No model registry in this service.");
        await Expect(page.Locator("#alerts")).ToContainTextAsync("Alerting is not configured");
        await Expect(page.Locator("#status")).ToContainTextAsync("Updated");
        Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "dashboard"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "dashboard", "dashboard-not-monitored.png"), FullPage = true });

        Assert.Empty(errors);
        Assert.NotEmpty(failures);
        Assert.All(failures, url => Assert.EndsWith("/mlops/models/plain/drift/history", url, StringComparison.Ordinal));
    }

    /// <summary>Predicts <paramref name="count"/> houses (shifted ones: three times larger, many more rooms) and returns the prediction ids and scores.</summary>
    private static async Task<List<(string Id, double Score)>> PredictAsync(TestApp app, Random random, int count, bool shifted)
    {
        var predictions = new List<(string Id, double Score)>();
        for (int i = 0; i < count; i++)
        {
            object input = shifted ? new { size = 400 + random.Next(100), rooms = 9 } : new { size = 50 + random.Next(100), rooms = 1 + random.Next(5) };
            using var response = await app.Client.PostAsJsonAsync("/mlops/models/house/predict", input);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            predictions.Add((body.GetProperty("predictionId").GetString()!, body.GetProperty("output").GetProperty("score").GetDouble()));
        }

        return predictions;
    }

    /// <summary>Sends the outcomes of predictions: within 20 % of the prediction, so the quality numbers look like a working model's.</summary>
    private static async Task FeedbackAsync(TestApp app, Random random, IEnumerable<(string Id, double Score)> predictions)
    {
        foreach (var (id, score) in predictions)
        {
            using var feedback = await app.Client.PostAsJsonAsync($"/mlops/predictions/{id}/feedback", new { actual = score * (0.8 + (0.4 * random.NextDouble())) });
            feedback.EnsureSuccessStatusCode();
        }
    }

    private static byte[] Save(ITransformer model)
    {
        var ml = new MLContext(0);
        using var stream = new MemoryStream();
        ml.Model.Save(model, ml.Data.LoadFromEnumerable(Array.Empty<HouseInput>()).Schema, stream);
        return stream.ToArray();
    }
}
