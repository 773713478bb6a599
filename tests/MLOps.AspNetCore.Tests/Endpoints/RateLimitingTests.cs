using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using MLOps.AspNetCore.Tests.Support;

namespace MLOps.AspNetCore.Tests.Endpoints;

public class RateLimitingTests
{
    [Fact]
    public async Task PredictPolicy_Rejection_Returns429ProblemDetailsWithRetryAfter()
    {
        await using var app = await TestApp.StartAsync(
            endpoints: o => o.PredictRateLimitPolicy = MLOpsRateLimiting.PredictPolicyName,
            services: s => s.AddRateLimiter(o => o.AddMLOpsPredictPolicy(permitsPerSecond: 1)),
            app: a => a.UseRateLimiter());

        using var first = await app.Client.PostAsJsonAsync("/mlops/models/house/predict", new { size = 1, rooms = 1 });
        using var second = await app.Client.PostAsJsonAsync("/mlops/models/house/predict/batch", new[] { new { size = 1, rooms = 1 } });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType!.MediaType);
        using var problem = JsonDocument.Parse(await second.Content.ReadAsStringAsync());
        Assert.Equal(429, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("Too many requests", problem.RootElement.GetProperty("title").GetString());
        Assert.True(second.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void AddMLOpsPredictPolicy_LeavesTheAppWideRejectionSettingsAlone()
    {
        Func<OnRejectedContext, CancellationToken, ValueTask> appHandler = static (_, _) => ValueTask.CompletedTask;
        var options = new RateLimiterOptions { RejectionStatusCode = StatusCodes.Status503ServiceUnavailable, OnRejected = appHandler };

        options.AddMLOpsPredictPolicy();

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, options.RejectionStatusCode);
        Assert.Same(appHandler, options.OnRejected);
    }

    // Regression: AddMLOpsPredictPolicy set the app-wide RejectionStatusCode to 429, so every other policy changed too.
    [Fact]
    public async Task OtherPolicies_WithThePredictPolicyAdded_KeepTheAppsRejectionStatusCode()
    {
        await using var app = await TestApp.StartAsync(
            endpoints: o => o.PredictRateLimitPolicy = MLOpsRateLimiting.PredictPolicyName,
            services: s => s.AddRateLimiter(o => o
                .AddMLOpsPredictPolicy(permitsPerSecond: 1)
                .AddFixedWindowLimiter("other", w =>
                {
                    w.PermitLimit = 1;
                    w.Window = TimeSpan.FromMinutes(10);
                    w.QueueLimit = 0;
                })),
            app: a =>
            {
                a.UseRateLimiter();
                a.MapGet("/other", () => "ok").RequireRateLimiting("other");
            });

        using var first = await app.Client.GetAsync("/other");
        using var second = await app.Client.GetAsync("/other");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);   // ASP.NET Core's default, untouched
        Assert.NotEqual("application/problem+json", second.Content.Headers.ContentType?.MediaType);
    }
}
