using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MLOps.Monitoring.Tests.Quality.Support;

public static class QualityServices
{
    public static ServiceProvider Build(Action<IMLOpsBuilder> configure, Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        IMLOpsBuilder builder = services.AddMLOps();
        configure(builder);
        more?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public static async Task StartAsync(IServiceProvider provider)
    {
        foreach (IHostedService service in provider.GetServices<IHostedService>())
        {
            await service.StartAsync(CancellationToken.None);
        }
    }

    public static async Task StopAsync(IServiceProvider provider)
    {
        foreach (IHostedService service in provider.GetServices<IHostedService>().Reverse())
        {
            await service.StopAsync(CancellationToken.None);
        }
    }
}
