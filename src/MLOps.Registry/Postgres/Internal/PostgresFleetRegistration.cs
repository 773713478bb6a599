using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MLOps.Registry.Internal;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>
/// The DI wiring of fleet mode: the leader election, the heartbeat and fleet view, their instruments. Registered by
/// <c>AddPostgresRegistry</c> and by <c>AddPostgresMonitoring</c> (with or without the registry), on the shared data source.
/// </summary>
internal static class PostgresFleetRegistration
{
    public const string LoggerCategory = "MLOps.Registry.Fleet";

    public static void Add(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(PostgresLeaderElection)))
        {
            return;
        }

        PostgresServiceRegistration.AddShared(services);
        RegistryServices.AddValidatedOptions<PostgresFleetOptions, PostgresFleetOptionsValidator>(services);
        services.TryAddSingleton(sp =>
        {
            PostgresFleetOptions fleet = sp.GetRequiredService<IOptions<PostgresFleetOptions>>().Value;
            PostgresRegistryOptions registry = sp.GetRequiredService<IOptions<PostgresRegistryOptions>>().Value;
            var dataSource = sp.GetRequiredService<PostgresRegistryDataSource>().Value;
            string lockName = fleet.LockName ?? registry.Schema + ".leader";
            long key = PostgresLeaderLock.KeyOf(lockName);
            return new PostgresLeaderElection(
                async token => await PostgresLeaderLock.OpenAsync(dataSource, key, fleet.KeepAliveTimeout, token).ConfigureAwait(false),
                fleet,
                registry.ReconnectDelay,
                lockName,
                sp.GetRequiredService<TimeProvider>(),
                Logger(sp));
        });
        services.Replace(ServiceDescriptor.Singleton<ILeaderElection>(sp => sp.GetRequiredService<PostgresLeaderElection>()));
        services.TryAddSingleton(sp =>
        {
            PostgresRegistryOptions registry = sp.GetRequiredService<IOptions<PostgresRegistryOptions>>().Value;
            return new PostgresFleetHeartbeat(
                sp.GetRequiredService<PostgresRegistryDataSource>().Value,
                registry.Schema,
                PostgresServiceRegistration.PrepareOf(sp, "fleet view", Logger(sp)),
                sp.GetRequiredService<IOptions<PostgresFleetOptions>>().Value,
                sp.GetRequiredService<IModelCatalog>(),
                sp.GetRequiredService<ILeaderElection>(),
                sp.GetRequiredService<TimeProvider>(),
                Logger(sp));
        });
        services.TryAddSingleton<IFleetView>(sp => sp.GetRequiredService<PostgresFleetHeartbeat>());
        services.TryAddSingleton(sp => new FleetMetrics(
            sp.GetRequiredService<IMeterFactory>(),
            sp.GetRequiredService<ILeaderElection>(),
            sp.GetRequiredService<IOptions<PostgresFleetOptions>>().Value.Heartbeats ? sp.GetRequiredService<PostgresFleetHeartbeat>() : null));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PostgresLeaderElection>(sp => sp.GetRequiredService<PostgresLeaderElection>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PostgresFleetHeartbeat>(sp => sp.GetRequiredService<PostgresFleetHeartbeat>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PostgresFleetHostedService>());
    }

    private static ILogger Logger(IServiceProvider services) =>
        services.GetService<ILoggerFactory>()?.CreateLogger(LoggerCategory) ?? NullLogger.Instance;
}
