using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MLOps;
using MLOps.Registry.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the file-system model registry to MLOps.</summary>
public static class FileSystemRegistryMLOpsBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="IModelRegistry"/> as a <see cref="FileSystemModelRegistry"/> in a directory (options validated
    /// when the host starts), instrumented with the registry metrics (<c>mlops.registry.*</c>, see docs/telemetry.md); the
    /// <see cref="FileSystemModelRegistry"/> itself can be resolved too. Calling it again only adds configuration. A registry added before (for example PostgreSQL)
    /// is kept.
    /// </summary>
    /// <param name="builder">The MLOps builder.</param>
    /// <param name="configure">Configures the options, such as <c>o => o.RootPath = ".mlops"</c>; or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IMLOpsBuilder AddFileSystemRegistry(this IMLOpsBuilder builder, Action<FileSystemRegistryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (!services.Any(d => d.ServiceType == typeof(FileSystemModelRegistry)))
        {
            RegistryServices.AddValidatedOptions<FileSystemRegistryOptions, FileSystemOptionsValidator>(services);
            services.AddSingleton(sp => RegistryServices.WithFormats(
                new FileSystemModelRegistry(
                    sp.GetRequiredService<IOptions<FileSystemRegistryOptions>>().Value,
                    sp.GetRequiredService<TimeProvider>(),
                    sp.GetService<ILoggerFactory>()),
                sp));
        }

        RegistryServices.AddInstrumentedRegistry<FileSystemModelRegistry>(services);
        return builder;
    }
}
