using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MLOps.AspNetCore;
using MLOps.Core.Tests.Support;

namespace MLOps.AspNetCore.Tests.Support;

/// <summary>
/// An ASP.NET Core app serving the test models through MapMLOps: in memory (TestServer), or with <c>kestrel: true</c> on
/// real Kestrel on a loopback port, for what only a real server shows (framing errors, server limits, raw sockets).
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApp(WebApplication app, Uri? address)
    {
        _app = app;
        Address = address;
        Client = address is null ? app.GetTestClient() : new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Client { get; }

    /// <summary>The Kestrel address (<c>http://127.0.0.1:port/</c>), or <see langword="null"/> for TestServer.</summary>
    public Uri? Address { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TestApp> StartAsync(
        Action<IMLOpsBuilder>? models = null,
        Action<MLOpsEndpointOptions>? endpoints = null,
        Action<IServiceCollection>? services = null,
        Action<WebApplication>? app = null,
        bool kestrel = false)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        if (kestrel)
        {
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Logging.ClearProviders();
        IMLOpsBuilder mlops = builder.Services.AddMLOps();
        (models ?? (b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromTransformer(TestModels.Distinct[0]))))(mlops);
        builder.Services.AddHealthChecks().AddMLOpsHealthChecks();
        builder.Services.AddEndpointsApiExplorer();   // what an OpenAPI generator reads (see ApiResponses)
        services?.Invoke(builder.Services);
        WebApplication web = builder.Build();
        app?.Invoke(web);
        web.MapMLOps(configure: endpoints);
        web.MapMLOpsHealthChecks();
        await web.StartAsync();
        Uri? address = kestrel
            ? new Uri(web.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single())
            : null;
        return new TestApp(web, address);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
