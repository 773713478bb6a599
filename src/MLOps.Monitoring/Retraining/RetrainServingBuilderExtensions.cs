using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MLOps;
using MLOps.Monitoring.Drift.Internal;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Retraining;
using MLOps.Monitoring.Retraining.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds a retrain policy to a served model.</summary>
public static class RetrainServingBuilderExtensions
{
    /// <summary>
    /// Retrains the model when the policy's triggers fire, evaluates the candidate and the champion on the same hold-out,
    /// registers the candidate with its lineage and promotes it only when it is better. Needs a registry
    /// (<c>AddFileSystemRegistry</c> or <c>AddPostgresRegistry</c>); runs in a hosted service
    /// (<see cref="IRetrainCoordinator"/>), with shared options in <see cref="RetrainOptions"/>.
    /// </summary>
    /// <typeparam name="TIn">The model's input type (with the label).</typeparam>
    /// <typeparam name="TOut">The model's output type.</typeparam>
    /// <param name="builder">The model's builder.</param>
    /// <param name="configure">Configures the policy.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The policy has no trainer, no data source or no evaluation.</exception>
    public static ModelServingBuilder<TIn, TOut> WithRetrainPolicy<TIn, TOut>(
        this ModelServingBuilder<TIn, TOut> builder, Action<RetrainPolicyBuilder<TIn>> configure)
        where TIn : class
        where TOut : class, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var policy = new RetrainPolicyBuilder<TIn>(builder.Name);
        configure(policy);
        policy.Validate();

        var services = builder.Services;
        if (!services.Any(d => d.ServiceType == typeof(RetrainService)))
        {
            services.AddOptions<RetrainOptions>().ValidateDataAnnotations().ValidateOnStart();
            services.AddMetrics();
            services.TryAddSingleton<RetrainMetrics>();
            services.AddSingleton(sp => new RetrainService(
                sp.GetServices<ModelRetrainer>(),
                sp.GetRequiredService<IOptions<RetrainOptions>>(),
                sp.GetRequiredService<RetrainMetrics>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<Microsoft.Extensions.Logging.ILogger<RetrainService>>(),
                sp.GetService<MLOps.Monitoring.Drift.IDriftMonitor>(),
                sp.GetService<MLOps.Monitoring.Quality.IModelQualityMonitor>(),
                sp.GetService<ILeaderElection>()));
            services.AddSingleton<IRetrainCoordinator>(sp => sp.GetRequiredService<RetrainService>());
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<RetrainService>());
        }

        services.AddSingleton<ModelRetrainer>(sp =>
        {
            var registry = sp.GetService<IModelRegistry>() ?? throw new InvalidOperationException(
                $"The retrain policy of model '{policy.ModelName}' needs a model registry: add AddFileSystemRegistry() or AddPostgresRegistry().");

            // Each retrained version gets the reference profile of the rows it was trained on, so drift monitoring
            // compares live traffic with what the serving version learned from (not with the first model's data).
            // Each attempt is a run of the experiment tracker when one is registered (AddFileSystemTracking or
            // AddPostgresTracking); without one it is not tracked and the version's lineage has no run id.
            return new ModelRetrainer<TIn, TOut>(
                policy,
                registry,
                sp.GetService<IExperimentTracker>(),
                sp,
                sp.GetRequiredService<TimeProvider>(),
                (Microsoft.Extensions.Logging.ILogger?)sp.GetService<Microsoft.Extensions.Logging.ILoggerFactory>()?.CreateLogger("MLOps.Training")
                    ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
                (name, version, rows, ct) => registry.SetReferenceProfileAsync(
                    name, version, RegistryReferenceProfileProvider.ToBlob(ReferenceProfile.Create(rows)), ModelRetrainer<TIn, TOut>.Actor, ct));
        });
        return builder;
    }
}
