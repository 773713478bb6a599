using Microsoft.Extensions.DependencyInjection;

namespace MLOps.Monitoring.Tests.Support;

public static class Services
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
}
