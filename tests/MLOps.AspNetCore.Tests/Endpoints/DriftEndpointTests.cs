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
}
