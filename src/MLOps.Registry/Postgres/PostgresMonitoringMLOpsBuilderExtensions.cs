using MLOps;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Registry.Postgres.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the PostgreSQL monitoring stores (the durable prediction log and feedback) to MLOps for .NET.</summary>
public static class PostgresMonitoringMLOpsBuilderExtensions
{
    /// <summary>
    /// Keeps monitoring's durable state in PostgreSQL, in the database, schema and connection pool of
    /// <c>AddPostgresRegistry</c>: the prediction log and the feedback store (see <see cref="AddPostgresPredictionLog"/>),
    /// and fleet mode for quality (an <see cref="IFleetFeedbackQueue"/>): any replica accepts feedback for any
    /// replica's prediction, exactly once, and only the leader (<see cref="ILeaderElection"/>) joins it into the quality
    /// windows, so each window is computed and published once for the whole fleet. It also turns on fleet drift with its
    /// defaults (<see cref="PostgresFleetDriftMLOpsBuilderExtensions.AddPostgresFleetDrift"/>): the replicas' drift
    /// windows are merged per time bucket and evaluated once by the leader. Call it after <c>AddPostgresRegistry(…)</c>,
    /// or use <c>AddPostgresMonitoring(connectionString)</c> without the registry: either way the replicas form one fleet
    /// (the same leader election, heartbeats and fleet view as the registry brings, configured by
    /// <see cref="PostgresFleetMLOpsBuilderExtensions.AddPostgresFleet"/>).
    /// </summary>
    /// <param name="builder">The MLOps builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IMLOpsBuilder AddPostgresMonitoring(this IMLOpsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        PostgresFleetQualityRegistration.Add(builder.Services);
        // Fleet mode (leader election, heartbeats, fleet view) and fleet drift, with or without the registry.
        PostgresFleetRegistration.Add(builder.Services);
        builder.AddPostgresFleetDrift();
        return builder.AddPostgresPredictionLog();
    }

    /// <summary>
    /// Keeps monitoring's durable state in the PostgreSQL database of <paramref name="connectionString"/>, with or without
    /// the PostgreSQL registry (with it, use the same database: they share <see cref="PostgresRegistryOptions"/>, one
    /// connection pool and one migration sequence). Without the registry the replicas still form one fleet: the leader
    /// election, heartbeats, fleet view and fleet drift are those of the registry (see the overload without a
    /// connection string); set the schema with <c>services.Configure&lt;PostgresRegistryOptions&gt;(…)</c>.
    /// </summary>
    /// <param name="builder">The MLOps builder.</param>
    /// <param name="connectionString">The Npgsql connection string, such as <c>Host=db;Username=mlops;Password=…;Database=mlops</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="connectionString"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty or white space.</exception>
    public static IMLOpsBuilder AddPostgresMonitoring(this IMLOpsBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        builder.Services.Configure<PostgresRegistryOptions>(o => o.ConnectionString = connectionString);
        return builder.AddPostgresMonitoring();
    }

    /// <summary>
    /// Logs every prediction of quality-monitored models to the PostgreSQL table <c>predictions</c> (binary <c>COPY</c>
    /// in batches, off the request path), stores feedback in <c>feedback</c> (first one wins across replicas), and
    /// streams both to batch jobs: registers <see cref="IPredictionLog"/>, <see cref="IFeedbackLog"/> and
    /// <see cref="IPredictionLogReader"/>, replacing a log registered before. The table is partitioned by time; a hosted
    /// service creates partitions ahead and drops those older than the retention. A database outage never fails a
    /// prediction: a failed batch is held for one retry and what is finally lost is counted. The database is the one of
    /// <see cref="PostgresRegistryOptions"/> (<c>AddPostgresRegistry</c>, or <c>AddPostgresMonitoring(connectionString)</c>).
    /// Calling it again only adds configuration.
    /// </summary>
    /// <param name="builder">The MLOps builder.</param>
    /// <param name="configure">Sets the partition interval, the partitions created ahead and the retention, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IMLOpsBuilder AddPostgresPredictionLog(this IMLOpsBuilder builder, Action<PostgresPredictionLogOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        PostgresMonitoringRegistration.AddPredictionLog(builder.Services);
        return builder;
    }
}
