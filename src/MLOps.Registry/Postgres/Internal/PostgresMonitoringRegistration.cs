using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Registry.Internal;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>The DI wiring of the PostgreSQL monitoring stores: the prediction log (also the feedback log and batch reader).</summary>
internal static class PostgresMonitoringRegistration
{
    /// <summary>This process's replica id when fleet mode is off: <c>{host}-{process id}-{random}</c>.</summary>
    private static readonly Lazy<string> ProcessReplicaId = new(() => string.Create(
        CultureInfo.InvariantCulture, $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}"));

    public static void AddPredictionLog(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(PostgresPredictionLog)))
        {
            return;
        }

        PostgresServiceRegistration.AddShared(services);
        RegistryServices.AddValidatedOptions<PostgresPredictionLogOptions, PostgresPredictionLogOptionsValidator>(services);
        services.TryAddSingleton(sp =>
        {
            ILogger logger = sp.GetService<ILoggerFactory>()?.CreateLogger(PostgresPredictionLog.LoggerCategory) ?? NullLogger.Instance;
            return new PostgresPredictionLog(
                sp.GetRequiredService<PostgresRegistryDataSource>().Value,
                sp.GetRequiredService<IOptions<PostgresRegistryOptions>>().Value,
                sp.GetRequiredService<IOptions<PostgresPredictionLogOptions>>().Value,
                // In fleet mode the fleet's replica id (the one the fleet view lists), else one for this process.
                sp.GetService<IFleetView>()?.ReplicaId ?? ProcessReplicaId.Value,
                sp.GetRequiredService<TimeProvider>(),
                new PredictionLogMetrics(sp.GetService<IMeterFactory>()),
                logger);
        });

        // The PostgreSQL log replaces a log registered before (such as JSON lines), so the three contracts stay one store.
        services.Replace(ServiceDescriptor.Singleton<IPredictionLog>(sp => sp.GetRequiredService<PostgresPredictionLog>()));
        services.Replace(ServiceDescriptor.Singleton<IPredictionLogReader>(sp => sp.GetRequiredService<PostgresPredictionLog>()));
        services.Replace(ServiceDescriptor.Singleton<IFeedbackLog>(sp => sp.GetRequiredService<PostgresPredictionLog>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PostgresPredictionLogService>(sp => new PostgresPredictionLogService(
            sp.GetRequiredService<PostgresPredictionLog>(),
            sp.GetRequiredService<IOptions<PostgresPredictionLogOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger(PostgresPredictionLog.LoggerCategory) ?? NullLogger.Instance)));
    }
}
