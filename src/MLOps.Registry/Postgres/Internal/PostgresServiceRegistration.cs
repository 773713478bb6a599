using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
}
