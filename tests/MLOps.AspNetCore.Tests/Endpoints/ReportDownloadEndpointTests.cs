using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MLOps.AspNetCore.Tests.Support;
using MLOps.Core.Tests.Support;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Profiles;

namespace MLOps.AspNetCore.Tests.Endpoints;

public class ReportDownloadEndpointTests
{
    private static Task<TestApp> StartDriftAsync()
    {
        var random = new Random(1);
        var reference = ReferenceProfile.Create(Enumerable.Range(0, 500).Select(_ => new HouseInput { Size = 50 + (float)(random.NextDouble() * 100), Rooms = 1 + random.Next(5) }));
        return TestApp.StartAsync(b => b.AddModel<HouseInput, HousePrediction>(
            "house", m => m.FromTransformer(TestModels.Distinct[0]).WithDriftMonitoring(d => d.WindowSize(50).UseReference(reference))));
    }

    [Fact]
    public async Task DriftReportHtml_AfterAWindow_DownloadsTheJsonReportAsHtml()
    {
        await using var app = await StartDriftAsync();
        var random = new Random(2);
        for (int i = 0; i < 50; i++)
        {
            using var response = await app.Client.PostAsJsonAsync("/mlops/models/house/predict", new { size = 300 + random.Next(100), rooms = 8 + random.Next(3) });
            response.EnsureSuccessStatusCode();
        }

        string? json = null;
        await Eventually.HoldsAsync(async () =>
        {
            using var r = await app.Client.GetAsync("/mlops/models/house/drift");
            json = r.StatusCode == HttpStatusCode.OK ? await r.Content.ReadAsStringAsync() : null;
            return json is not null;
        }, "the first drift window");

        using var html = await app.Client.GetAsync("/mlops/models/house/drift/report.html");

        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        Assert.Equal("text/html", html.Content.Headers.ContentType!.MediaType);
        Assert.Equal("utf-8", html.Content.Headers.ContentType.CharSet);
        DriftReport report = DriftReport.FromJson(json!);
        string stamp = report.CreatedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        Assert.Equal($"attachment; filename=\"house-drift-{stamp}.html\"", html.Content.Headers.ContentDisposition!.ToString());
        Assert.Equal(report.ToHtml(), await html.Content.ReadAsStringAsync());
        Assert.Equal("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'", html.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", html.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.NotNull(report.Find("Size")!.Distribution);   // the JSON endpoint carries the distributions the charts draw
    }

    [Theory]
    [InlineData("house")]          // monitored, no window closed yet
    [InlineData("unknown")]
    [InlineData("not a name!")]
    public async Task DriftReportHtml_NoReport_IsNotFoundProblemDetails(string name)
    {
        await using var app = await StartDriftAsync();

        using var response = await app.Client.GetAsync($"/mlops/models/{Uri.EscapeDataString(name)}/drift/report.html");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Null(response.Content.Headers.ContentDisposition);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("No drift report", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task QualityReportHtml_AfterFeedback_DownloadsTheReportAsHtml()
    {
        await using var app = await TestApp.StartAsync(b => b.AddModel<HouseInput, HousePrediction>(
            "house", m => m.FromTransformer(TestModels.Distinct[0]).WithQualityMonitoring(q => q.Regression(o => o.Score).Window(TestModels.Inputs.Length))));
        foreach (var input in TestModels.Inputs)
        {
            using var predicted = await app.Client.PostAsJsonAsync("/mlops/models/house/predict", new { size = input.Size, rooms = input.Rooms });
            string id = (await predicted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("predictionId").GetString()!;
            using var feedback = await app.Client.PostAsJsonAsync($"/mlops/predictions/{id}/feedback", new { actual = input.Price });
            feedback.EnsureSuccessStatusCode();
        }

        var quality = await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/quality");
        using var html = await app.Client.GetAsync("/mlops/models/house/quality/report.html");

        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        Assert.Equal("text/html", html.Content.Headers.ContentType!.MediaType);
        Assert.Equal("utf-8", html.Content.Headers.ContentType.CharSet);
        Assert.Matches("^attachment; filename=\"house-quality-[0-9]{8}T[0-9]{6}Z\\.html\"$", html.Content.Headers.ContentDisposition!.ToString());
        string body = await html.Content.ReadAsStringAsync();
        Assert.StartsWith("<!DOCTYPE html>", body, StringComparison.Ordinal);
        long joined = quality.GetProperty("joinedFeedback").GetInt64();
        Assert.Equal(TestModels.Inputs.Length, joined);
        Assert.Contains($"data-json=\"/joinedFeedback\">{joined}<", body, StringComparison.Ordinal);
        double mae = quality.GetProperty("closed")[0].GetProperty("metrics").GetProperty("mae").GetDouble();
        Assert.Contains($"data-json=\"/closed/0/metrics/mae\">{mae.ToString("G6", CultureInfo.InvariantCulture)}<", body, StringComparison.Ordinal);
        Assert.DoesNotContain("http:", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https:", body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task QualityReportHtml_UnknownModel_IsNotFoundProblemDetails()
    {
        await using var app = await TestApp.StartAsync(b => b.AddModel<HouseInput, HousePrediction>(
            "house", m => m.FromTransformer(TestModels.Distinct[0]).WithQualityMonitoring(q => q.Regression(o => o.Score))));

        using var response = await app.Client.GetAsync("/mlops/models/other/quality/report.html");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("No quality monitoring", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task OpenApi_ReportDownloads_AreDescribedAsHtml()
    {
        var reference = ReferenceProfile.Create(Enumerable.Range(0, 50).Select(i => new HouseInput { Size = 50 + i, Rooms = 1 + (i % 5) }));
        await using var app = await TestApp.StartAsync(b => b.AddModel<HouseInput, HousePrediction>(
            "house", m => m.FromTransformer(TestModels.Distinct[0]).WithQualityMonitoring(q => q.Regression(o => o.Score)).WithDriftMonitoring(d => d.UseReference(reference))));
        var descriptions = app.Services.GetRequiredService<IApiDescriptionGroupCollectionProvider>().ApiDescriptionGroups.Items.SelectMany(g => g.Items).ToList();

        foreach (string endpoint in (string[])["MLOps.DriftReportHtml", "MLOps.QualityReportHtml"])
        {
            ApiDescription description = descriptions.Single(d => d.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().Any(n => n.EndpointName == endpoint));
            Assert.Contains(description.SupportedResponseTypes, r => r.StatusCode == 200 && r.ApiResponseFormats.Any(f => f.MediaType == "text/html"));
            Assert.Contains(description.SupportedResponseTypes, r => r.StatusCode == 404);
        }
    }
}
