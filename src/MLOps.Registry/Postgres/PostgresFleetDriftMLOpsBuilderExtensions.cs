using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MLOps;
using MLOps.Monitoring.Drift;
using MLOps.Registry.Postgres.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Judges drift over the whole fleet's traffic, with the replicas' windows merged on PostgreSQL.</summary>
public static class PostgresFleetDriftMLOpsBuilderExtensions
{
    /// <summary>
    /// Turns on fleet drift (<c>AddFleetDrift</c>) with the PostgreSQL store: each replica publishes the mergeable state
    /// of every drift window it closes to the registry's database (same data source and migrations, tables
    /// <c>fleet_drift_windows</c> and <c>fleet_drift_reports</c>); the fleet's leader merges the windows that arrived in
    /// the same time bucket (by the database's clock), evaluates them once and publishes one report per bucket; every
    /// replica serves the latest fleet report. Needs the database of <c>AddPostgresRegistry</c> or of
    /// <c>AddPostgresMonitoring(connectionString)</c>, and brings fleet mode's leader election with it. The leader also
    /// deletes what is older than <see cref="FleetDriftOptions.Retention"/>. Calling it again only configures the options again.
    /// </summary>
    /// <param name="builder">The MLOps builder.</param>
    /// <param name="configure">Configures the buckets, the grace period and the queue; validated at startup.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IMLOpsBuilder AddPostgresFleetDrift(this IMLOpsBuilder builder, Action<FleetDriftOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddFleetDrift(configure);
        // The leader election and the replica id come from fleet mode, on the same data source (idempotent).
        PostgresFleetRegistration.Add(builder.Services);
        builder.Services.TryAddSingleton<IFleetDriftStore>(sp =>
        {
            PostgresRegistryOptions registry = sp.GetRequiredService<IOptions<PostgresRegistryOptions>>().Value;
            string replica = sp.GetService<IFleetView>()?.ReplicaId
                ?? sp.GetRequiredService<IOptions<PostgresFleetOptions>>().Value.ReplicaId
                ?? $"{Environment.MachineName}-{Environment.ProcessId}";
            return new PostgresFleetDriftStore(
                sp.GetRequiredService<PostgresRegistryDataSource>().Value,
                registry.Schema,
                PostgresServiceRegistration.PrepareOf(
                    sp, "fleet drift store", sp.GetService<ILoggerFactory>()?.CreateLogger(PostgresFleetRegistration.LoggerCategory) ?? NullLogger.Instance),
                replica,
                sp.GetRequiredService<IOptions<FleetDriftOptions>>().Value);
        });
        return builder;
    }
}
