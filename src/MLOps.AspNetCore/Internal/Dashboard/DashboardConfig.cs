using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MLOps.AspNetCore.Internal.Dashboard;

/// <summary>
/// <c>GET {pattern}/config.json</c>: where the MLOps endpoints are (the app's path base and the API prefix), how often
/// to poll, and which of the endpoints the page reads are mapped, so that a section whose service is absent says so
/// without the page requesting an endpoint that does not exist.
/// </summary>
internal sealed class DashboardConfig
{
    /// <summary>The GET endpoints the page reads, by the key the page uses, as routes under the API prefix.</summary>
    private static readonly (string Key, string Route)[] Reads =
    [
        ("models", "/models"),
        ("versions", "/models/{name}/versions"),
        ("aliases", "/models/{name}/aliases"),
        ("audit", "/models/{name}/audit"),
        ("driftHistory", "/models/{name}/drift/history"),
        ("driftReport", "/models/{name}/drift/report.html"),
        ("quality", "/models/{name}/quality"),
        ("qualityReport", "/models/{name}/quality/report.html"),
        ("alerts", "/alerts"),
    ];

    private readonly IEndpointRouteBuilder _endpoints;
    private readonly string _apiPrefix;
    private readonly long _refreshMilliseconds;

    public DashboardConfig(IEndpointRouteBuilder endpoints, string apiPrefix, TimeSpan refreshInterval)
    {
        _endpoints = endpoints;
        _apiPrefix = apiPrefix.TrimEnd('/');
        _refreshMilliseconds = (long)refreshInterval.TotalMilliseconds;
    }

    public Task Serve(HttpContext http)
    {
        DashboardHeaders.Apply(http.Response);
        http.Response.Headers.CacheControl = "no-store";
        var mapped = MappedGetRoutes();
        var body = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["apiBase"] = http.Request.PathBase.Add(new PathString(_apiPrefix)).Value ?? "",
            ["refreshMilliseconds"] = _refreshMilliseconds,
            ["available"] = Reads.ToDictionary(r => r.Key, r => mapped.Contains(_apiPrefix + r.Route), StringComparer.Ordinal),
        };
        return http.Response.WriteAsJsonAsync(body, JsonOptions, http.RequestAborted);
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>The route patterns of the app's GET endpoints (read on each request: cheap, and right even when endpoints are mapped after the dashboard).</summary>
    private HashSet<string> MappedGetRoutes()
    {
        var routes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (Endpoint endpoint in _endpoints.DataSources.SelectMany(source => source.Endpoints))
        {
            if (endpoint is RouteEndpoint { RoutePattern.RawText: { } raw }
                && endpoint.Metadata.GetMetadata<HttpMethodMetadata>() is { } methods
                && methods.HttpMethods.Contains(HttpMethods.Get, StringComparer.OrdinalIgnoreCase))
            {
                routes.Add("/" + raw.Trim('/'));
            }
        }

        return routes;
    }
}
