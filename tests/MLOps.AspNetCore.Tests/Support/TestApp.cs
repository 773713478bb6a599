using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MLOps.AspNetCore;
using MLOps.Core.Tests.Support;

namespace MLOps.AspNetCore.Tests.Support;

/// <summary>An in-memory ASP.NET Core app (TestServer) serving the test models through MapMLOps.</summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApp(WebApplication app)
    {
        _app = app;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TestApp> StartAsync(
        Action<IMLOpsBuilder>? models = null,
        Action<MLOpsEndpointOptions>? endpoints = null,
        Action<IServiceCollection>? services = null,
        Action<WebApplication>? app = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        IMLOpsBuilder mlops = builder.Services.AddMLOps();
        (models ?? (b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromTransformer(TestModels.Distinct[0]))))(mlops);
        builder.Services.AddHealthChecks().AddMLOpsHealthChecks();
        services?.Invoke(builder.Services);
        WebApplication web = builder.Build();
        app?.Invoke(web);
        web.MapMLOps(configure: endpoints);
        web.MapMLOpsHealthChecks();
        await web.StartAsync();
        return new TestApp(web);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
