using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using MLOps.AspNetCore.Internal;

namespace MLOps.AspNetCore.Tests.Endpoints;

/// <summary>The safety net on MapMLOps' group: a request Kestrel found malformed is answered with ProblemDetails.</summary>
public class MalformedRequestFilterTests
{
    [Theory]
    [InlineData(400)]
    [InlineData(408)]
    [InlineData(413)]
    public async Task BadHttpRequest_AnywhereInAnEndpoint_IsKestrelsStatusWithProblemDetails(int status)
    {
        var http = NewContext();

        object? result = await MalformedRequestFilter.Instance.InvokeAsync(
            new DefaultEndpointFilterInvocationContext(http), _ => throw new BadHttpRequestException("Bad chunk size data.", status));

        await ((IResult)result!).ExecuteAsync(http);
        Assert.Equal(status, http.Response.StatusCode);
        Assert.Equal("application/problem+json", http.Response.ContentType);
    }

    [Fact]
    public async Task OtherExceptions_AreNotTheClientsMistake_AndPassThrough()
    {
        var http = NewContext();

        await Assert.ThrowsAsync<IOException>(async () => await MalformedRequestFilter.Instance.InvokeAsync(
            new DefaultEndpointFilterInvocationContext(http), _ => throw new IOException("disk full")));
    }

    private static DefaultHttpContext NewContext() => new()
    {
        RequestServices = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider(),
        Response = { Body = new MemoryStream() },
    };
}
