using MLOps;
using MLOps.Registry.Postgres.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures fleet mode on PostgreSQL: one leader among the replicas, heartbeats and the fleet view.</summary>
public static class PostgresFleetMLOpsBuilderExtensions
{
    /// <summary>
    /// Configures fleet mode, which <c>AddPostgresRegistry</c> and <c>AddPostgresMonitoring</c> turn on with its defaults:
    /// the replicas sharing the database elect one leader (<see cref="ILeaderElection"/>) with a session-level advisory lock, and each
    /// records a heartbeat read by <see cref="IFleetView"/>. Turn either off with <see cref="PostgresFleetOptions.LeaderElection"/>
    /// or <see cref="PostgresFleetOptions.Heartbeats"/>. Needs the database of <c>AddPostgresRegistry</c> or
    /// <c>AddPostgresMonitoring(connectionString)</c>; the options are validated when
    /// the host starts. Calling it again adds configuration.
    /// </summary>
    /// <param name="builder">The MLOps builder.</param>
    /// <param name="configure">Sets the lock name, the intervals and the replica id.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IMLOpsBuilder AddPostgresFleet(this IMLOpsBuilder builder, Action<PostgresFleetOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        PostgresFleetRegistration.Add(builder.Services);
        return builder;
    }
}
