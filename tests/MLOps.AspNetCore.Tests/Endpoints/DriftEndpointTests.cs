using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MLOps.AspNetCore.Tests.Support;
using MLOps.Core.Tests.Support;
using MLOps.Monitoring.Profiles;

namespace MLOps.AspNetCore.Tests.Endpoints;

public class DriftEndpointTests
{
    [Fact]
    public async Task Drift_ShiftedTraffic_ReportsDatasetDriftAndDegradesReadiness()
    {
        var random = new Random(1);
        var reference = ReferenceProfile.Create(Enumerable.Range(0, 500).Select(_ => new HouseInput { Size = 50 + (float)(random.NextDouble() * 100), Rooms = 1 + random.Next(5) }));
        await using var app = await TestApp.StartAsync(b => b.AddModel<HouseInput, HousePrediction>(
            "house", m => m.FromTransformer(TestModels.Distinct[0]).WithDriftMonitoring(d => d.WindowSize(100).UseReference(reference))));

        using var before = await app.Client.GetAsync("/mlops/models/house/drift");
        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        for (int i = 0; i < 100; i++)
        {
            // Houses three times larger with many more rooms than the reference.
            using var response = await app.Client.PostAsJsonAsync("/mlops/models/house/predict", new { size = 300 + random.Next(100), rooms = 8 + random.Next(3) });
            response.EnsureSuccessStatusCode();
        }

        var report = await Eventually.ValueAsync(async () =>
        {
            using var r = await app.Client.GetAsync("/mlops/models/house/drift");
            return r.StatusCode == HttpStatusCode.OK ? JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone() : (JsonElement?)null;
        }, "the first drift window");
        Assert.True(report.GetProperty("datasetDrift").GetBoolean(), report.ToString());
        Assert.Contains(report.GetProperty("features").EnumerateArray(), f => f.GetProperty("feature").GetString() == "Size" && f.GetProperty("drifted").GetBoolean());

        using var ready = await app.Client.GetAsync("/health/ready");
        string body = await ready.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);   // degraded still serves
        Assert.Contains("Degraded", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drift_ScopeReplicaWithoutFleetMode_SameReportAsTheDefault_UnknownScopeIs400Problem()
    {
        var random = new Random(3);
        var reference = ReferenceProfile.Create(Enumerable.Range(0, 500).Select(_ => new HouseInput { Size = 50 + (float)(random.NextDouble() * 100), Rooms = 1 + random.Next(5) }));
        await using var app = await TestApp.StartAsync(b => b.AddModel<HouseInput, HousePrediction>(
            "house", m => m.FromTransformer(TestModels.Distinct[0]).WithDriftMonitoring(d => d.WindowSize(20).UseReference(reference))));
        for (int i = 0; i < 20; i++)
        {
            using var response = await app.Client.PostAsJsonAsync("/mlops/models/house/predict", new { size = 50 + random.Next(100), rooms = 1 + random.Next(5) });
            response.EnsureSuccessStatusCode();
        }

        JsonElement fleet = await Eventually.ValueAsync(async () =>
        {
            using var r = await app.Client.GetAsync("/mlops/models/house/drift?scope=fleet");
            return r.StatusCode == HttpStatusCode.OK ? JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone() : (JsonElement?)null;
        }, "the first drift window");
        Assert.Equal(fleet.GetRawText(), JsonDocument.Parse(await app.Client.GetStringAsync("/mlops/models/house/drift?scope=replica")).RootElement.GetRawText());
        Assert.Equal(1, (await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/drift/history?scope=replica")).GetArrayLength());

        using var bad = await app.Client.GetAsync("/mlops/models/house/drift?scope=cluster");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.Contains("'replica'", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var badHistory = await app.Client.GetAsync("/mlops/models/house/drift/history?scope=x");
        Assert.Equal(HttpStatusCode.BadRequest, badHistory.StatusCode);
    }

    [Fact]
    public async Task DriftHistory_Windows_ListsTheRecentReportsOldestFirstRevalidatesByETagAndNotMonitoredIs404()
    {
        var random = new Random(2);
        var reference = ReferenceProfile.Create(Enumerable.Range(0, 500).Select(_ => new HouseInput { Size = 50 + (float)(random.NextDouble() * 100), Rooms = 1 + random.Next(5) }));
        await using var app = await TestApp.StartAsync(b => b
            .AddModel<HouseInput, HousePrediction>("house", m => m.FromTransformer(TestModels.Distinct[0])
                .WithDriftMonitoring(d => d.WindowSize(20).UseReference(reference).Configure(o => o.HistorySize = 2)))
            .AddModel<HouseInput, HousePrediction>("plain", m => m.FromTransformer(TestModels.Distinct[1])));

        var empty = await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/drift/history");
        Assert.Equal(0, empty.GetArrayLength());
        for (int window = 0; window < 3; window++)
        {
            for (int i = 0; i < 20; i++)
            {
                // The last window is shifted.
                object input = window < 2 ? new { size = 50 + random.Next(100), rooms = 1 + random.Next(5) } : new { size = 400 + random.Next(100), rooms = 9 };
                using var response = await app.Client.PostAsJsonAsync("/mlops/models/house/predict", input);
                response.EnsureSuccessStatusCode();
            }

            int expected = Math.Min(window + 1, 2);
            await Eventually.HoldsAsync(async () => (await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/drift/history")).GetArrayLength() == expected,
                $"window {window + 1} in the history");
        }

        var history = await Eventually.ValueAsync(async () =>
        {
            var h = await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/drift/history");
            return h.GetArrayLength() == 2 && h[1].GetProperty("datasetDrift").GetBoolean() ? h : (JsonElement?)null;
        }, "the shifted window last in the history");
        Assert.Equal("house", history[0].GetProperty("modelName").GetString());
        Assert.True(history[0].GetProperty("createdAt").GetDateTimeOffset() <= history[1].GetProperty("createdAt").GetDateTimeOffset());
        var latest = await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/drift");
        Assert.Equal(latest.GetProperty("createdAt").GetDateTimeOffset(), history[1].GetProperty("createdAt").GetDateTimeOffset());

        // A poller that sends the ETag back gets 304 and no body until a window closes; a stale or foreign one gets the history.
        using var first = await app.Client.GetAsync("/mlops/models/house/drift/history");
        Assert.True(first.Headers.CacheControl is { Private: true, NoCache: true }, "Cache-Control: private, no-cache");
        var etag = Assert.IsType<System.Net.Http.Headers.EntityTagHeaderValue>(first.Headers.ETag);
        Assert.True(etag.IsWeak);
        foreach (string ifNoneMatch in new[] { etag.ToString(), "\"other\", " + etag, "*" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/mlops/models/house/drift/history");
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
            using var revalidated = await app.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
            Assert.Empty(await revalidated.Content.ReadAsByteArrayAsync());
        }

        foreach (string ifNoneMatch in new[] { "W/\"1-0\"", "\"garbage", "" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/mlops/models/house/drift/history");
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
            using var full = await app.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, full.StatusCode);
            Assert.Equal(2, (await full.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength());
        }

        foreach (string url in new[] { "/mlops/models/plain/drift/history", "/mlops/models/nobody/drift/history", "/mlops/models/-bad-/drift/history" })
        {
            using var missing = await app.Client.GetAsync(url);
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        }
    }
}
