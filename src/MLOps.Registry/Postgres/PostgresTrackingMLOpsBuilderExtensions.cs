using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MLOps;
using MLOps.Registry.Internal;
using MLOps.Registry.Postgres.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the PostgreSQL experiment tracker to MLOps for .NET.</summary>
public static class PostgresTrackingMLOpsBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="IExperimentTracker"/> (a <see cref="PostgresExperimentTracker"/> behind a wrapper that records the
    /// <c>mlops.tracking.*</c> metrics; resolve <see cref="PostgresExperimentTracker"/> itself for the concrete type) over the PostgreSQL database
    /// of <c>AddPostgresRegistry(connectionString)</c> (same connection pool, schema and migrations), and
    /// <see cref="ModelTrainingRunner"/> (which also needs an <see cref="IModelRegistry"/>).
    /// </summary>
    /// <param name="builder">The MLOps builder.</param>
    /// <param name="connectionString">The Npgsql connection string, such as <c>Host=db;Username=mlops;Password=…;Database=mlops</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="connectionString"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty or white space.</exception>
    public static IMLOpsBuilder AddPostgresTracking(this IMLOpsBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.AddPostgresTracking(o => o.ConnectionString = connectionString);
    }

    /// <summary>
    /// Registers <see cref="IExperimentTracker"/> (a <see cref="PostgresExperimentTracker"/> behind a wrapper that records the
    /// <c>mlops.tracking.*</c> metrics; resolve <see cref="PostgresExperimentTracker"/> itself for the concrete type) and
    /// <see cref="ModelTrainingRunner"/> (which also needs an <see cref="IModelRegistry"/>). The tracker shares
    /// <see cref="PostgresRegistryOptions"/> with the PostgreSQL registry: after <c>AddPostgresRegistry(…)</c> call it without
    /// <paramref name="configure"/>; on its own, set the connection string or data source here. The options are validated
    /// when the host starts (every error listed), then the schema is created or migrated. Calling it again only adds
    /// configuration; a tracker added before (of any kind) is kept.
    /// </summary>
    /// <param name="builder">The MLOps builder.</param>
    /// <param name="configure">Configures the shared PostgreSQL options, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IMLOpsBuilder AddPostgresTracking(this IMLOpsBuilder builder, Action<PostgresRegistryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;
        if (configure is not null)
        {
            services.Configure(configure);
        }

        PostgresServiceRegistration.AddShared(services);
        services.TryAddSingleton(sp => new PostgresExperimentTracker(
            sp.GetRequiredService<PostgresRegistryDataSource>(),
            ownsDataSource: false,
            sp.GetRequiredService<IOptions<PostgresRegistryOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PostgresTrackingHostedService>());
        RegistryServices.AddInstrumentedTracker<PostgresExperimentTracker>(services, RegistryMetrics.PostgresBackend);
        return builder;
    }
}
