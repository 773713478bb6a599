using Microsoft.AspNetCore.Http;

namespace MLOps.AspNetCore.Internal;

/// <summary>
/// The safety net of every MLOps endpoint: a request Kestrel found malformed (<see cref="BadHttpRequestException"/>:
/// bad framing, a body shorter than announced, over a server limit, too slow) is the client's mistake, so it gets
/// Kestrel's 4xx status with ProblemDetails instead of escaping as an empty-bodied error.
/// </summary>
/// <remarks>
/// The endpoints read bodies through <see cref="JsonBody"/>, which already answers these (and Kestrel's plain
/// <see cref="IOException"/>s) itself; this filter covers any other path that touches the request.
/// </remarks>
internal sealed class MalformedRequestFilter : IEndpointFilter
{
    public static readonly MalformedRequestFilter Instance = new();

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (!context.HttpContext.Response.HasStarted)
        {
            return Problems.MalformedBody(ex.StatusCode, ex.Message);
        }
    }
}
