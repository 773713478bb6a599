using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MLOps.Monitoring.Quality.Feedback;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>
/// The DI wiring of fleet mode for quality: the queue of labelled predictions (<see cref="IFleetFeedbackQueue"/>) on the
/// registry's data source. Registered by <c>AddPostgresMonitoring</c>.
/// </summary>
internal static class PostgresFleetQualityRegistration
{
    public static void Add(IServiceCollection services)
    {
        PostgresServiceRegistration.AddShared(services);
        services.TryAddSingleton<IFleetFeedbackQueue>(sp => new PostgresFleetFeedbackQueue(
            sp.GetRequiredService<PostgresRegistryDataSource>().Value,
            sp.GetRequiredService<IOptions<PostgresRegistryOptions>>().Value,
            sp.GetService<ILoggerFactory>()?.CreateLogger("MLOps.Registry.FleetQuality") ?? NullLogger.Instance,
            sp.GetService<IFleetView>()?.ReplicaId));
    }
}
