using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MLOps;
using MLOps.Registry.Internal;
using MLOps.Registry.Tracking;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the file-system experiment tracker to MLOps.</summary>
public static class FileSystemTrackingMLOpsBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="IExperimentTracker"/> (a <see cref="FileSystemExperimentTracker"/> behind a wrapper that records the
    /// <c>mlops.tracking.*</c> metrics; resolve <see cref="FileSystemExperimentTracker"/> itself for the concrete type) (options validated when the
    /// host starts) and <see cref="ModelTrainingRunner"/> (which also needs an <see cref="IModelRegistry"/>, for example
    /// <c>AddFileSystemRegistry</c>). Calling it again only adds configuration; a tracker added before is kept.
    /// </summary>
    /// <param name="builder">The MLOps builder.</param>
    /// <param name="configure">Configures the options, such as <c>o => o.RootPath = ".mlops"</c>; or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IMLOpsBuilder AddFileSystemTracking(this IMLOpsBuilder builder, Action<FileSystemTrackingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (!services.Any(d => d.ServiceType == typeof(FileSystemExperimentTracker)))
        {
            services.AddOptionsWithValidateOnStart<FileSystemTrackingOptions>().ValidateDataAnnotations();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FileSystemTrackingOptions>, FileSystemTrackingOptionsValidator>());
            services.AddSingleton(sp => new FileSystemExperimentTracker(
                sp.GetRequiredService<IOptions<FileSystemTrackingOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<ILoggerFactory>()));
        }

        services.TryAddSingleton(sp => new TrackingMetrics(sp.GetRequiredService<IMeterFactory>()));
        services.TryAddSingleton<IExperimentTracker>(sp => new InstrumentedExperimentTracker(sp.GetRequiredService<FileSystemExperimentTracker>(), sp.GetRequiredService<TrackingMetrics>()));
        services.TryAddSingleton(sp => new ModelTrainingRunner(
            sp.GetRequiredService<IModelRegistry>(),
            sp.GetRequiredService<IExperimentTracker>(),
            sp.GetService<ILoggerFactory>()));
        return builder;
    }
}
