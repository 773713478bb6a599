using Microsoft.AspNetCore.Http;

namespace MLOps.AspNetCore.Internal.Dashboard;

/// <summary>The security headers of every dashboard response.</summary>
internal static class DashboardHeaders
{
    /// <summary>
    /// Only this origin's scripts, styles, images and requests; no inline script or style, no plugins, no framing,
    /// no forms, no base-URL change. The page's SVG is built by its script through the DOM, which the policy allows.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'none'; " +
        "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static void Apply(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }
}
