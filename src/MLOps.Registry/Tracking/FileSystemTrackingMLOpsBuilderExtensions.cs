using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MLOps;
using MLOps.Registry.Internal;

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
            RegistryServices.AddValidatedOptions<FileSystemTrackingOptions, FileSystemOptionsValidator>(services);
            services.AddSingleton(sp => new FileSystemExperimentTracker(
                sp.GetRequiredService<IOptions<FileSystemTrackingOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetService<ILoggerFactory>()));
        }

        RegistryServices.AddInstrumentedTracker<FileSystemExperimentTracker>(services, RegistryMetrics.FileSystemBackend);
        return builder;
    }
}
