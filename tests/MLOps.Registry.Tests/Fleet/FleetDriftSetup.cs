using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using MLOps.Core.Tests.Support;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Tests.Support;
using MLOps.Registry.Tests.Postgres;

namespace MLOps.Registry.Tests.Fleet;

/// <summary>
/// What the fleet drift tests share, in process and across processes: one replica's services (the PostgreSQL registry,
/// fleet mode, fleet drift, model <c>house</c> with drift monitoring of <c>Size</c> by chi-square in windows of 300),
/// the reference (sizes spread evenly over [0, 5000)) and each replica's third of the drifted stream.
/// </summary>
internal static class FleetDriftSetup
{
    public const int ReplicaRows = 300;

    public const int Replicas = 3;

    public static readonly ModelName Model = ModelName.Parse("house");

    /// <summary>Fleet buckets: long enough for three replicas' windows to land in one bucket on a busy machine.</summary>
    public static readonly TimeSpan BucketLength = TimeSpan.FromSeconds(8);

    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(1);

    /// <summary>The replicas' leader retry interval: the failover bound.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    public static ReferenceProfile Reference { get; } = ReferenceProfile.Create(
        Enumerable.Range(0, 5000).Select(i => new HouseInput { Size = i + 0.5f, Rooms = 1 }));

    /// <summary>Replica <paramref name="replica"/>'s share of round <paramref name="round"/>: every third row of the drifted stream.</summary>
    public static HouseInput[] Share(int replica) =>
        [.. FleetDriftStream.Rows(ReplicaRows * Replicas).Where((_, i) => i % Replicas == replica).Select(size => new HouseInput { Size = (float)size, Rooms = 1 })];

    public static IMLOpsBuilder AddReplica(this IServiceCollection services, string connectionString, string schema, string? replicaId = null) =>
        services.AddMLOps()
            .AddPostgresRegistry(o =>
            {
                o.ConnectionString = connectionString;
                o.Schema = schema;
            })
            .AddFleetAndModel(replicaId);

    /// <summary>
    /// The same replica without the PostgreSQL registry: <c>AddPostgresMonitoring(connectionString)</c> alone, which
    /// brings the leader election, heartbeats and fleet drift by itself.
    /// </summary>
    public static IMLOpsBuilder AddAloneReplica(this IServiceCollection services, string connectionString, string schema, string? replicaId = null)
    {
        IMLOpsBuilder builder = services.AddMLOps().AddPostgresMonitoring(connectionString);
        services.Configure<PostgresRegistryOptions>(o => o.Schema = schema);
        return builder.AddFleetAndModel(replicaId);
    }

    private static IMLOpsBuilder AddFleetAndModel(this IMLOpsBuilder builder, string? replicaId)
    {
        return builder
            .AddPostgresFleet(o =>
            {
                o.RetryInterval = RetryInterval;
                o.HeartbeatInterval = TimeSpan.FromSeconds(1);
                o.ReplicaId = replicaId;
            })
            .AddPostgresFleetDrift(o =>
            {
                o.BucketLength = BucketLength;
                o.GracePeriod = GracePeriod;
                o.PollInterval = TimeSpan.FromMilliseconds(200);
            })
            .AddModel<HouseInput, HousePrediction>(Model.Value, m => m
                .FromTransformer(TestModels.Distinct[0])
                .WithDriftMonitoring(d => d
                    .WindowSize(ReplicaRows)
                    .UseReference(Reference)
                    .Configure(o =>
                    {
                        o.Features.Add(nameof(HouseInput.Size));
                        o.Methods[nameof(HouseInput.Size)] = DriftMethod.ChiSquare;
                    })));
    }

    /// <summary>Waits until the database's clock is early in a bucket, so windows published now land in one bucket.</summary>
    public static async Task WaitForBucketStartAsync(TestSchema schema)
    {
        double length = BucketLength.TotalSeconds;
        while (true)
        {
            double into = await schema.ScalarAsync<double>(string.Create(
                CultureInfo.InvariantCulture, $"SELECT (extract(epoch FROM clock_timestamp())::float8 / {length} - floor(extract(epoch FROM clock_timestamp())::float8 / {length})) * {length}"));
            if (into is >= 0.2 and <= 1.5)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
