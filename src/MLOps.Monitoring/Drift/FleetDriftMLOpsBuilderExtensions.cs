using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MLOps;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Drift.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Judges drift over the whole fleet's traffic instead of each replica's share of it.</summary>
public static class FleetDriftMLOpsBuilderExtensions
{
    /// <summary>
    /// Turns on fleet drift for every model served with <c>WithDriftMonitoring</c>: each replica publishes the
    /// mergeable state of every window it closes to the registered <see cref="IFleetDriftStore"/> (off the request
    /// path, through a bounded queue), and the leader (<see cref="ILeaderElection"/>) merges the windows that reached
    /// the store in the same time bucket, evaluates them as one window and publishes one report per bucket through
    /// <see cref="IDriftMonitor"/>. Every replica's <see cref="IDriftMonitor.GetLatestReport"/> then returns the
    /// fleet's latest report; each replica's own windows stay in <see cref="IDriftMonitor.GetReplicaReports"/>.
    /// MLOps.Registry's <c>AddPostgresFleetDrift</c> calls it with the PostgreSQL store. Calling it again only
    /// configures the options again.
    /// </summary>
    /// <param name="builder">The MLOps builder.</param>
    /// <param name="configure">Configures the buckets, the grace period and the queue; validated at startup.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IMLOpsBuilder AddFleetDrift(this IMLOpsBuilder builder, Action<FleetDriftOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        OptionsBuilder<FleetDriftOptions> options = services.AddOptionsWithValidateOnStart<FleetDriftOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FleetDriftOptions>, FleetDriftOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<FleetDriftHub>();
        services.TryAddSingleton<DriftMonitor>();
        services.TryAddSingleton<IDriftMonitor>(sp => sp.GetRequiredService<DriftMonitor>());
        services.TryAddSingleton<DriftMetrics>();
        services.TryAddSingleton(sp => new FleetDriftService(
            sp.GetRequiredService<FleetDriftHub>(),
            sp.GetService<IFleetDriftStore>() ?? throw new InvalidOperationException(
                "Fleet drift needs a store shared by the replicas: call AddPostgresFleetDrift(...) (MLOps.Registry) or register an IFleetDriftStore."),
            sp.GetRequiredService<ILeaderElection>(),
            sp.GetRequiredService<DriftMonitor>(),
            sp.GetRequiredService<DriftMetrics>(),
            sp.GetRequiredService<IOptions<FleetDriftOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<FleetDriftService>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, FleetDriftService>(sp => sp.GetRequiredService<FleetDriftService>()));
        return builder;
    }
}
