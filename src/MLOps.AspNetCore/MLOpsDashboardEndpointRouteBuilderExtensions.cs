using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MLOps.AspNetCore;
using MLOps.AspNetCore.Internal.Dashboard;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the MLOps dashboard: a read-only page that shows what the <c>MapMLOps</c> endpoints report, live.</summary>
public static class MLOpsDashboardEndpointRouteBuilderExtensions
{
    /// <summary>The default dashboard route: <c>/mlops/ui</c>.</summary>
    public const string DefaultPattern = "/mlops/ui";

    /// <summary>
    /// Maps a read-only dashboard at <paramref name="pattern"/>: the served models and their versions, aliases and
    /// their history, the audit trail, drift per feature over recent windows, quality by version and variant, firing
    /// alerts and links to the HTML reports. The page is served from resources embedded in this assembly (no CDN, no
    /// external font or script, a strict Content-Security-Policy) and polls the JSON endpoints that
    /// <c>MapMLOps(<paramref name="apiPrefix"/>)</c> maps, from the browser, with the browser's credentials (cookies).
    /// </summary>
    /// <param name="endpoints">The endpoint route builder (the <c>WebApplication</c>).</param>
    /// <param name="pattern">The route of the page (<c>{pattern}/</c>; <c>{pattern}</c> redirects there).</param>
    /// <param name="apiPrefix">The prefix <c>MapMLOps</c> was mapped with; sections whose endpoints are not mapped there say so.</param>
    /// <param name="configure">Configures the refresh interval.</param>
    /// <returns>The route group, so conventions chain: <c>.RequireAuthorization("MLOps.Read")</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/>, <paramref name="pattern"/> or <paramref name="apiPrefix"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> or <paramref name="apiPrefix"/> does not start with '/'.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The configured refresh interval is out of range.</exception>
    public static RouteGroupBuilder MapMLOpsDashboard(
        this IEndpointRouteBuilder endpoints,
        string pattern = DefaultPattern,
        string apiPrefix = MLOpsEndpointRouteBuilderExtensions.DefaultPrefix,
        Action<MLOpsDashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(apiPrefix);
        if (!pattern.StartsWith('/') || !apiPrefix.StartsWith('/'))
        {
            throw new ArgumentException($"The dashboard pattern ('{pattern}') and the API prefix ('{apiPrefix}') must start with '/'.", pattern.StartsWith('/') ? nameof(apiPrefix) : nameof(pattern));
        }

        var options = new MLOpsDashboardOptions();
        configure?.Invoke(options);
        options.Validate();
        var config = new DashboardConfig(endpoints, apiPrefix, options.RefreshInterval);

        RouteGroupBuilder group = endpoints.MapGroup(pattern.TrimEnd('/')).WithTags("MLOps dashboard").ExcludeFromDescription();
        group.MapGet("/", (HttpContext http) => DashboardAssets.Index.Serve(http, redirectToSlash: true)).WithName("MLOps.Dashboard");
        foreach (DashboardAsset asset in DashboardAssets.Files)
        {
            group.MapGet("/" + asset.Name, (HttpContext http) => asset.Serve(http, redirectToSlash: false));
        }

        group.MapGet("/config.json", config.Serve);
        return group;
    }
}
