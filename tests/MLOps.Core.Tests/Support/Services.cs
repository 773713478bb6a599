using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MLOps.Core.Tests.Support;

public static class Services
{
    public static ServiceProvider Build(Action<IMLOpsBuilder> configure, Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        IMLOpsBuilder builder = services.AddMLOps(o =>
        {
            o.ReloadDelay = TimeSpan.FromMilliseconds(50);
            o.PollInterval = TimeSpan.FromMilliseconds(200);
        });
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
}
