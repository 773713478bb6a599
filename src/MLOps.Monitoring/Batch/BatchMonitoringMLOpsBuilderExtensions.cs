using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MLOps;
using MLOps.Monitoring.Batch;
using MLOps.Monitoring.Batch.Internal;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Drift.Internal;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Monitoring.Quality.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers batch monitoring jobs over the durable prediction log.</summary>
public static class BatchMonitoringMLOpsBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="IBatchMonitor"/>: drift and quality reports computed from the durable prediction log
    /// (<see cref="IPredictionLogReader"/>, registered by <c>AddJsonLinesPredictionLog</c> or the PostgreSQL monitoring
    /// store) for a model and a time range, on demand, and on the schedules set in <paramref name="configure"/>, run by
    /// the hosted service on the fleet's leader. Each version's rows are compared with that version's reference profile
    /// (the registered <see cref="IReferenceProfileProvider"/>, or the model registry's). Calling it again adds schedules.
    /// </summary>
    /// <param name="builder">The MLOps builder.</param>
    /// <param name="configure">Adds schedules (optional: without them jobs run on demand only).</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IMLOpsBuilder AddBatchMonitoring(this IMLOpsBuilder builder, Action<BatchMonitoringBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        if (configure is not null)
        {
            var schedules = new BatchMonitoringBuilder();
            configure(schedules);
            foreach (BatchSchedule schedule in schedules.Schedules)
            {
                services.AddSingleton(schedule);
            }
        }

        services.TryAddSingleton(sp => new BatchMonitor(
            sp.GetService<IPredictionLogReader>(),
            sp.GetService<IReferenceProfileProvider>()
                ?? (sp.GetService<IModelRegistry>() is { } registry ? new RegistryReferenceProfileProvider(registry) : null),
            sp.GetService<ModelQualityMonitor>(),
            sp.GetRequiredService<TimeProvider>(),
            CreateLogger(sp)));
        services.TryAddSingleton<IBatchMonitor>(sp => sp.GetRequiredService<BatchMonitor>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, BatchMonitoringService>(sp => new BatchMonitoringService(
            sp.GetRequiredService<IBatchMonitor>(),
            [.. sp.GetServices<BatchSchedule>()],
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILeaderElection>(),
            CreateLogger(sp))));
        return builder;
    }

    private static ILogger CreateLogger(IServiceProvider services) =>
        services.GetService<ILoggerFactory>()?.CreateLogger("MLOps.Monitoring.Batch") ?? NullLogger.Instance;
}
