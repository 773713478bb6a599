using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MLOps.AspNetCore.Tests.Support;
using MLOps.Monitoring.Alerting;

namespace MLOps.AspNetCore.Tests.Endpoints;

public class AlertsEndpointTests
{
    [Fact]
    public async Task Alerts_QualityBelowThreshold_ListsTheRuleAndTheFiringAlert()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
        double r2 = 0.5;
        await using var app = await TestApp.StartAsync(
            models: b => b
                .AddModel<MLOps.Core.Tests.Support.HouseInput, MLOps.Core.Tests.Support.HousePrediction>(
                    "house", m => m.FromTransformer(MLOps.Core.Tests.Support.TestModels.Distinct[0]))
                .AddAlerting(a => a.OnQualityBelow("r2", 0.7, AlertSeverity.Critical).EvaluateEvery(TimeSpan.FromSeconds(30))),
            services: s => s.AddSingleton<TimeProvider>(time));
        Meter meter = app.Services.GetRequiredService<IMeterFactory>().Create(MLOpsTelemetry.Name);   // disposed by the factory
        meter.CreateObservableGauge(
            "mlops.model.quality",
            () => new Measurement<double>(r2, new KeyValuePair<string, object?>("mlops.model.name", "house"), new KeyValuePair<string, object?>("mlops.metric.name", "r2")));

        using (JsonDocument before = await GetAlertsAsync(app))
        {
            Assert.Equal(JsonValueKind.Null, before.RootElement.GetProperty("lastEvaluatedAt").ValueKind);
            Assert.Equal(0, before.RootElement.GetProperty("alerts").GetArrayLength());
            JsonElement rule = Assert.Single(before.RootElement.GetProperty("rules").EnumerateArray());
            Assert.Equal("quality-below-r2-0.7", rule.GetProperty("name").GetString());
            Assert.Equal("critical", rule.GetProperty("severity").GetString());
        }

        time.Advance(TimeSpan.FromSeconds(30));
        JsonElement alert = default;
        for (int attempt = 0; attempt < 300; attempt++)
        {
            using JsonDocument now = await GetAlertsAsync(app);
            if (now.RootElement.GetProperty("alerts").GetArrayLength() == 1)
            {
                alert = now.RootElement.GetProperty("alerts")[0].Clone();
                break;
            }

            await Task.Delay(100);
        }

        Assert.Equal(JsonValueKind.Object, alert.ValueKind);
        Assert.Equal("firing", alert.GetProperty("status").GetString());
        Assert.Equal(0.5, alert.GetProperty("value").GetDouble());
        Assert.Equal("house", alert.GetProperty("labels").GetProperty("mlops.model.name").GetString());
        Assert.False(string.IsNullOrEmpty(alert.GetProperty("fingerprint").GetString()));
    }

    [Fact]
    public async Task Alerts_WithoutAlerting_IsNotMapped()
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.Client.GetAsync("/mlops/alerts");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static async Task<JsonDocument> GetAlertsAsync(TestApp app)
    {
        using var response = await app.Client.GetAsync("/mlops/alerts");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }
}
