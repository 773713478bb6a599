using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MLOps.Registry.Internal;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>What the PostgreSQL registry and tracker share: validated options and one data source (one connection pool).</summary>
internal static class PostgresServiceRegistration
{
    public static void AddShared(IServiceCollection services)
    {
        // ValidateDataAnnotations adds a validator on every call, hence the guard: registered once for both features.
        if (services.Any(d => d.ServiceType == typeof(PostgresRegistryDataSource)))
        {
            return;
        }

        RegistryServices.AddValidatedOptions<PostgresRegistryOptions, PostgresRegistryOptionsValidator>(services);
        services.TryAddSingleton<PostgresRegistryDataSource>();
    }

    /// <summary>
    /// How a PostgreSQL store prepares the schema before its first command: through the registry when it is registered
    /// (one migration run for the process), else with its own migrator on the shared data source (monitoring alone,
    /// <c>AddPostgresMonitoring(connectionString)</c>). Either way the one migration sequence, under its advisory lock.
    /// </summary>
    /// <param name="services">The service provider.</param>
    /// <param name="owner">What is preparing, for the error message, such as <c>fleet view</c>.</param>
    /// <param name="logger">Where applied migrations are logged.</param>
    public static Func<CancellationToken, Task> PrepareOf(IServiceProvider services, string owner, ILogger logger)
    {
        if (services.GetService<PostgresModelRegistry>() is { } registry)
        {
            return registry.EnsureInitializedAsync;
        }

        PostgresRegistryOptions options = services.GetRequiredService<IOptions<PostgresRegistryOptions>>().Value;
        var migrator = new PostgresSchemaMigrator(services.GetRequiredService<PostgresRegistryDataSource>().Value, options.Schema, logger);
        bool migrate = options.MigrateOnStart;
        return token => migrator.EnsurePreparedAsync(migrate, owner, token);
    }
}
