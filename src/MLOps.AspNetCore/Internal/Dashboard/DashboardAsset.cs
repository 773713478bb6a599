using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Headers;
using Microsoft.Net.Http.Headers;

namespace MLOps.AspNetCore.Internal.Dashboard;

/// <summary>One file of the dashboard, read once from the assembly's resources, served with an ETag.</summary>
internal sealed class DashboardAsset
{
    public DashboardAsset(string name, string contentType, byte[] content)
    {
        Name = name;
        ContentType = contentType;
        Content = content;
        ETag = new EntityTagHeaderValue("\"" + Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 16)) + "\"");
    }

    /// <summary>The file name, as the page refers to it (relative to the dashboard's route).</summary>
    public string Name { get; }

    public string ContentType { get; }

    public byte[] Content { get; }

    public EntityTagHeaderValue ETag { get; }

    /// <summary>
    /// Writes the file, or 304 when the browser holds this version (<c>If-None-Match</c>). The page itself
    /// (<paramref name="redirectToSlash"/>) is served at <c>{pattern}/</c> so that its relative URLs resolve under it:
    /// <c>{pattern}</c> redirects there.
    /// </summary>
    public Task Serve(HttpContext http, bool redirectToSlash)
    {
        if (redirectToSlash && http.Request.Path.Value is { } path && !path.EndsWith('/'))
        {
            http.Response.Redirect(http.Request.PathBase + path + "/" + http.Request.QueryString);
            return Task.CompletedTask;
        }

        DashboardHeaders.Apply(http.Response);
        ResponseHeaders headers = http.Response.GetTypedHeaders();
        headers.ETag = ETag;

        // Revalidate on every load (the URLs carry no version), which a 304 makes cheap; private: the page may be behind authorization.
        headers.CacheControl = new CacheControlHeaderValue { Private = true, NoCache = true };
        IList<EntityTagHeaderValue> ifNoneMatch = http.Request.GetTypedHeaders().IfNoneMatch;
        if (ifNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(ETag, useStrongComparison: false)))
        {
            http.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        http.Response.ContentType = ContentType;
        http.Response.ContentLength = Content.Length;
        return http.Response.Body.WriteAsync(Content, http.RequestAborted).AsTask();
    }
}
