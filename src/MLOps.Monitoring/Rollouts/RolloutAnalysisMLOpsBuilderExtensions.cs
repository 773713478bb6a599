using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MLOps;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Quality.Internal;
using MLOps.Monitoring.Rollouts;
using MLOps.Monitoring.Rollouts.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the rollout analysis: the hosted loop that promotes or rolls back each served model's active rollout.</summary>
public static class RolloutAnalysisMLOpsBuilderExtensions
{
    /// <summary>
    /// Adds the hosted rollout analysis. Every <see cref="RolloutAnalysisOptions.PollInterval"/> it reads the active
    /// rollout of each served model from the registry and, every <see cref="RolloutAnalysis.Interval"/> of that rollout,
    /// compares its arms (requests, errors and latency from <c>mlops.prediction.duration</c>; quality from feedback when
    /// the model has quality monitoring; drift when it has drift monitoring) and records a decision: advance, hold,
    /// request approval, promote or roll back. Needs a model registry. <see cref="IRolloutMonitor"/> reads the result.
    /// Calling it again only configures the options again.
    /// </summary>
    /// <param name="builder">The MLOps builder.</param>
    /// <param name="configure">Configures the options; validated at startup.</param>
    /// <returns>The builder.</returns>
    public static IMLOpsBuilder AddRolloutAnalysis(this IMLOpsBuilder builder, Action<RolloutAnalysisOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        OptionsBuilder<RolloutAnalysisOptions> options = services.AddOptionsWithValidateOnStart<RolloutAnalysisOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RolloutAnalysisOptions>, RolloutAnalysisOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new RolloutSignals(
            sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            sp.GetService<QualityEvents>(),
            sp.GetService<IDriftMonitor>()));
        services.TryAddSingleton(sp => new RolloutAnalyzer(
            sp.GetService<IModelRegistry>() ?? throw new InvalidOperationException(
                "The rollout analysis needs a model registry: add AddFileSystemRegistry() or AddPostgresRegistry()."),
            sp.GetRequiredService<RolloutSignals>(),
            sp.GetService<IModelQualityMonitor>(),
            sp.GetRequiredService<IOptions<RolloutAnalysisOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            Logger(sp)));
        services.TryAddSingleton<IRolloutMonitor>(sp => sp.GetRequiredService<RolloutAnalyzer>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RolloutAnalysisService>(sp => new RolloutAnalysisService(
            sp.GetRequiredService<RolloutAnalyzer>(),
            ServedModels(sp),
            sp.GetRequiredService<IOptions<RolloutAnalysisOptions>>().Value.PollInterval,
            sp.GetRequiredService<TimeProvider>(),
            Logger(sp),
            sp.GetService<ILeaderElection>())));
        return builder;
    }

    private static Func<IEnumerable<ModelName>> ServedModels(IServiceProvider services)
    {
        IModelCatalog catalog = services.GetRequiredService<IModelCatalog>();
        return () => catalog.GetModels().Select(static m => m.Name).Distinct();
    }

    private static ILogger Logger(IServiceProvider services) =>
        services.GetService<ILoggerFactory>()?.CreateLogger("MLOps.Monitoring.Rollouts") ?? NullLogger.Instance;
}
