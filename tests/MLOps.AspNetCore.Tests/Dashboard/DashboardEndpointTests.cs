using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MLOps.AspNetCore.Tests.Support;
using MLOps.Core.Tests.Support;
using MLOps.Monitoring.Profiles;

namespace MLOps.AspNetCore.Tests.Dashboard;

/// <summary>The dashboard's HTTP surface: embedded files with ETags and a strict CSP, its configuration, protection.</summary>
public sealed partial class DashboardEndpointTests
{
    private static readonly ReferenceProfile Reference = ReferenceProfile.Create(
        Enumerable.Range(0, 200).Select(i => new HouseInput { Size = 50 + i % 100, Rooms = 1 + i % 5 }));

    [Fact]
    public async Task MapMLOpsDashboard_PatternWithoutSlash_RedirectsToThePage()
    {
        await using var app = await TestApp.StartAsync(app: web => web.MapMLOpsDashboard());

        using var response = await app.Client.GetAsync("/mlops/ui?x=1");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/mlops/ui/?x=1", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/mlops/ui/", "text/html")]
    [InlineData("/mlops/ui/app.js", "text/javascript")]
    [InlineData("/mlops/ui/app.css", "text/css")]
    [InlineData("/mlops/ui/favicon.svg", "image/svg+xml")]
    public async Task Files_AreServedWithCspETagAndRevalidation_AndA304WhenUnchanged(string path, string mediaType)
    {
        await using var app = await TestApp.StartAsync(app: web => web.MapMLOpsDashboard());

        using var first = await app.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(mediaType, first.Content.Headers.ContentType?.MediaType);
        string csp = first.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", first.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(first.Headers.CacheControl is { NoCache: true, Private: true }, first.Headers.CacheControl?.ToString());
        EntityTagHeaderValue etag = Assert.IsType<EntityTagHeaderValue>(first.Headers.ETag);
        Assert.NotEmpty(await first.Content.ReadAsByteArrayAsync());

        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.IfNoneMatch.Add(etag);
        using var second = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, second.Headers.ETag);
    }

    [Fact]
    public async Task Page_LoadsOnlyItsOwnFiles_WithNoInlineScriptOrStyle()
    {
        await using var app = await TestApp.StartAsync(app: web => web.MapMLOpsDashboard());

        string html = await app.Client.GetStringAsync("/mlops/ui/");

        string[] references = [.. UrlReference().Matches(html).Select(m => m.Groups["url"].Value)];
        Assert.Equal(["favicon.svg", "app.css", "app.js"], references);
        Assert.Equal(1, Regex.Count(html, "<script", RegexOptions.IgnoreCase));
        Assert.Contains("<script src=\"app.js\" defer></script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("style=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        string script = await app.Client.GetStringAsync("/mlops/ui/app.js");
        Assert.DoesNotContain("innerHTML", script, StringComparison.Ordinal);
        Assert.DoesNotContain("eval(", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_ListsTheEndpointsMappedUnderTheApiPrefix()
    {
        await using var app = await TestApp.StartAsync(
            b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromTransformer(TestModels.Distinct[0])
                .WithDriftMonitoring(d => d.WindowSize(10).UseReference(Reference))),
            app: web => web.MapMLOpsDashboard(configure: o => o.RefreshInterval = TimeSpan.FromSeconds(2)));

        using var response = await app.Client.GetAsync("/mlops/ui/config.json");
        var config = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("/mlops", config.GetProperty("apiBase").GetString());
        Assert.Equal(2000, config.GetProperty("refreshMilliseconds").GetInt64());
        var available = config.GetProperty("available");
        Assert.True(available.GetProperty("models").GetBoolean());
        Assert.True(available.GetProperty("driftHistory").GetBoolean());
        Assert.False(available.GetProperty("quality").GetBoolean());   // no WithQualityMonitoring
        Assert.False(available.GetProperty("alerts").GetBoolean());    // no AddAlerting
        Assert.False(available.GetProperty("versions").GetBoolean());  // no registry
        Assert.False(available.GetProperty("audit").GetBoolean());
    }

    [Fact]
    public async Task Config_OtherApiPrefixAndPathBase_PointsThereAndFindsWhatIsMappedThere()
    {
        await using var app = await TestApp.StartAsync(app: web =>
        {
            web.UsePathBase("/shop");
            web.UseRouting();   // after the path base, so that routes match without it
            web.MapMLOpsDashboard("/ops/dashboard/", apiPrefix: "/api/ml");
            web.MapGet("/api/ml/models/{name}/quality/report.html", () => Results.Text("<p>report</p>", "text/html"));
        });

        var config = JsonDocument.Parse(await app.Client.GetStringAsync("/shop/ops/dashboard/config.json")).RootElement;

        Assert.Equal("/shop/api/ml", config.GetProperty("apiBase").GetString());
        Assert.False(config.GetProperty("available").GetProperty("models").GetBoolean());   // MapMLOps is at /mlops, not /api/ml
        Assert.True(config.GetProperty("available").GetProperty("qualityReport").GetBoolean());
    }

    [Fact]
    public async Task MapMLOpsDashboard_RequireAuthorization_ProtectsThePageAndItsFiles()
    {
        await using var app = await TestApp.StartAsync(
            services: s =>
            {
                s.AddAuthentication("Test").AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>("Test", null);
                s.AddAuthorizationBuilder().AddPolicy("MLOps.Read", p => p.RequireAuthenticatedUser());
            },
            app: web =>
            {
                web.UseAuthentication();
                web.UseAuthorization();
                web.MapMLOpsDashboard().RequireAuthorization("MLOps.Read");
            });

        foreach (string path in new[] { "/mlops/ui/", "/mlops/ui/app.js", "/mlops/ui/config.json" })
        {
            using var anonymous = await app.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-Test-User", "ada");
            using var signedIn = await app.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        }
    }

    [Theory]
    [InlineData("mlops/ui", "/mlops")]
    [InlineData("/mlops/ui", "mlops")]
    public void MapMLOpsDashboard_RelativeRoute_Throws(string pattern, string apiPrefix)
    {
        using WebApplication web = WebApplication.CreateSlimBuilder().Build();

        Assert.Throws<ArgumentException>(() => web.MapMLOpsDashboard(pattern, apiPrefix));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(601)]
    public void MapMLOpsDashboard_RefreshIntervalOutOfRange_Throws(double seconds)
    {
        using WebApplication web = WebApplication.CreateSlimBuilder().Build();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => web.MapMLOpsDashboard(configure: o => o.RefreshInterval = TimeSpan.FromSeconds(seconds)));

        Assert.Equal(nameof(MLOpsDashboardOptions.RefreshInterval), error.ParamName);
    }

    [GeneratedRegex("(?:src|href)=\"(?<url>[^\"]*)\"")]
    private static partial Regex UrlReference();

    /// <summary>Authenticates "X-Test-User: name".</summary>
    private sealed class HeaderAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
            Task.FromResult(Request.Headers.TryGetValue("X-Test-User", out var user)
                ? AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user.ToString())], "Test")), "Test"))
                : AuthenticateResult.NoResult());
    }
}
