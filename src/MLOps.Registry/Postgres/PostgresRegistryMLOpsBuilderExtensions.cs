using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MLOps;
using MLOps.Registry.Internal;
using MLOps.Registry.Postgres.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the PostgreSQL model registry to MLOps for .NET.</summary>
public static class PostgresRegistryMLOpsBuilderExtensions
{
    /// <summary>
    /// Uses a PostgreSQL database as the model registry (<see cref="IModelRegistry"/>), shared by every replica that
    /// points at it. The schema is created or migrated when the host starts; changes made by any replica reach the
    /// others' subscribers through <c>LISTEN</c>/<c>NOTIFY</c>, with polling as a fallback. It also brings fleet mode
    /// (<see cref="ILeaderElection"/> by advisory lock, heartbeats and <see cref="IFleetView"/>): see
    /// <see cref="PostgresFleetMLOpsBuilderExtensions.AddPostgresFleet"/>.
    /// </summary>
    /// <param name="builder">The MLOps builder.</param>
    /// <param name="connectionString">The Npgsql connection string, such as <c>Host=db;Username=mlops;Password=…;Database=mlops</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="connectionString"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty or white space.</exception>
    public static IMLOpsBuilder AddPostgresRegistry(this IMLOpsBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.AddPostgresRegistry(o => o.ConnectionString = connectionString);
    }

    /// <summary>
    /// Uses a PostgreSQL database as the model registry (<see cref="IModelRegistry"/>), configured by
    /// <paramref name="configure"/>; the options are validated when the host starts (every error listed), then the
    /// schema is created or migrated. Calling it again adds configuration.
    /// </summary>
    /// <param name="builder">The MLOps builder.</param>
    /// <param name="configure">Sets the connection string or data source, the schema and the other options.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IMLOpsBuilder AddPostgresRegistry(this IMLOpsBuilder builder, Action<PostgresRegistryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        IServiceCollection services = builder.Services;
        services.Configure(configure);
        if (services.Any(d => d.ServiceType == typeof(PostgresModelRegistry)))
        {
            return builder;
        }

        PostgresServiceRegistration.AddShared(services);
        services.TryAddSingleton(sp =>
        {
            PostgresRegistryOptions options = sp.GetRequiredService<IOptions<PostgresRegistryOptions>>().Value;
            return RegistryServices.WithFormats(
                new PostgresModelRegistry(
                    sp.GetRequiredService<PostgresRegistryDataSource>().Value,
                    ownsDataSource: false,
                    options,
                    PostgresModelRegistry.DefaultActorOf(options),
                    sp.GetRequiredService<TimeProvider>(),
                    sp.GetService<ILoggerFactory>()?.CreateLogger(PostgresModelRegistry.LoggerCategory) ?? NullLogger.Instance),
                sp);
        });
        RegistryServices.AddInstrumentedRegistry<PostgresModelRegistry>(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PostgresRegistryHostedService>());
        // Fleet mode comes with the shared database: one leader, heartbeats, the fleet view (AddPostgresFleet turns them off).
        PostgresFleetRegistration.Add(services);
        return builder;
    }
}
