using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MLOps.AspNetCore.Tests.Support;
using MLOps.Core.Tests.Support;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Profiles;
using Npgsql;

namespace MLOps.AspNetCore.Tests.Outage;

/// <summary>
/// One replica as a real deployment has it, on a <see cref="ThrowawayPostgres"/> cluster the test may stop and restart:
/// Kestrel on a loopback port, the PostgreSQL registry (LISTEN/NOTIFY only: no registry or serving poll, so a change
/// after a restart can only arrive through the reconnected listener), fleet mode (leader election, heartbeats),
/// <c>AddPostgresMonitoring()</c> (prediction log, fleet feedback and quality, fleet drift) and model <c>house</c> served
/// from the registry's champion with quality and drift monitoring. The registry is seeded with three versions by an
/// operator (a separate service provider, its own connections); version 1 is champion.
/// </summary>
internal sealed class OutageReplica : IAsyncDisposable
{
    public const string Schema = "outage";
    public const int DriftWindow = 50;

    /// <summary>The registry's reconnect back-off: doubled per failed attempt up to 30 times this (6 s).</summary>
    public static readonly TimeSpan ReconnectDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>A follower's retry of the leader lock, and the heartbeat interval.</summary>
    public static readonly TimeSpan FleetInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The bound within which this replica is leader again once PostgreSQL accepts connections: the longest reconnect
    /// wait (30 × <see cref="ReconnectDelay"/>) plus one lock retry, doubled as a margin for a machine with both cores
    /// busy. A safety net against a replica that never recovers, not a latency measurement.
    /// </summary>
    public static readonly TimeSpan RecoveryBound = 2 * (30 * ReconnectDelay + FleetInterval) + TimeSpan.FromSeconds(20);

    private static readonly ModelName House = ModelName.Parse("house");

    private OutageReplica(ThrowawayPostgres postgres, TestApp app, ServiceProvider operatorServices)
    {
        Postgres = postgres;
        App = app;
        OperatorServices = operatorServices;
    }

    public ThrowawayPostgres Postgres { get; }

    public TestApp App { get; }

    public HttpClient Client => App.Client;

    /// <summary>The operator's registry: another client of the same database (changes it makes reach the replica by NOTIFY).</summary>
    public IModelRegistry Operator => OperatorServices.GetRequiredService<IModelRegistry>();

    private ServiceProvider OperatorServices { get; }

    public static async Task<OutageReplica> StartAsync()
    {
        ThrowawayPostgres postgres = await ThrowawayPostgres.StartAsync();
        ServiceProvider? operatorServices = null;
        try
        {
            string connectionString = ConnectionString(postgres);
            operatorServices = new ServiceCollection().AddLogging().AddMLOps()
                .AddPostgresRegistry(o =>
                {
                    o.ConnectionString = connectionString;
                    o.Schema = Schema;
                    o.ListenForNotifications = false;
                    o.PollInterval = TimeSpan.Zero;
                    o.DefaultActor = "operator";
                })
                .Services.BuildServiceProvider();
            IModelRegistry registry = operatorServices.GetRequiredService<IModelRegistry>();
            for (int model = 0; model < 3; model++)
            {
                await registry.RegisterVersionAsync(new RegisterVersionRequest(House, [ModelArtifact.FromBytes(TestModels.Serialize(TestModels.Distinct[model]))])
                {
                    Signature = ModelSignature.For<HouseInput, HousePrediction>(),
                });
            }

            await registry.PromoteAsync(new PromoteRequest(House, new ModelVersion(1), ModelAlias.Champion) { Reason = "first" });
            TestApp app = await TestApp.StartAsync(
                models: b => b
                    .AddPostgresRegistry(o =>
                    {
                        o.ConnectionString = connectionString;
                        o.Schema = Schema;
                        o.ListenForNotifications = true;
                        o.PollInterval = TimeSpan.Zero;
                        o.ReconnectDelay = ReconnectDelay;
                        o.CommandTimeout = TimeSpan.FromSeconds(10);
                        o.DefaultActor = "replica";
                    })
                    .AddPostgresFleet(o =>
                    {
                        o.RetryInterval = FleetInterval;
                        o.HeartbeatInterval = FleetInterval;
                        o.KeepAliveInterval = FleetInterval;
                    })
                    .AddPostgresMonitoring()
                    .AddPostgresFleetDrift(o =>
                    {
                        o.PollInterval = TimeSpan.FromMilliseconds(200);
                        o.BucketLength = TimeSpan.FromSeconds(2);   // fleet reports within seconds
                        o.GracePeriod = TimeSpan.FromSeconds(1);
                    })
                    .AddModel<HouseInput, HousePrediction>("house", m => m
                        .FromRegistry(alias: "champion")
                        .WithQualityMonitoring(q => q.Regression(o => o.Score))
                        .WithDriftMonitoring(d => d.WindowSize(DriftWindow).UseReference(Reference))),
                endpoints: o => o.AllowUnauthenticatedManagement = true,
                services: s => s.Configure<MLOpsOptions>(o =>
                {
                    o.PollInterval = TimeSpan.Zero;   // FromRegistry's own poll off: only the change listener tells the replica
                    o.ReloadDelay = TimeSpan.Zero;
                }),
                kestrel: true);
            return new OutageReplica(postgres, app, operatorServices);
        }
        catch
        {
            if (operatorServices is not null)
            {
                await operatorServices.DisposeAsync();
            }

            await postgres.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sizes spread like the traffic (<see cref="TestModels.Inputs"/>), so windows do not drift.</summary>
    private static ReferenceProfile Reference { get; } = ReferenceProfile.Create(
        Enumerable.Range(0, 400).Select(i => TestModels.Inputs[i % TestModels.Inputs.Length]));

    /// <summary>A connection string for the replica: small pool, short connect timeout (a dead server is found fast).</summary>
    private static string ConnectionString(ThrowawayPostgres postgres) =>
        new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { MaxPoolSize = 20, Timeout = 5 }.ConnectionString;

    /// <summary>One prediction over HTTP: the prediction id and model version, or the failure (status and body).</summary>
    public async Task<(string? Id, int Version, string? Failure)> PredictAsync(int i)
    {
        HouseInput input = TestModels.Inputs[i % TestModels.Inputs.Length];
        try
        {
            using HttpResponseMessage response = await Client.PostAsJsonAsync("/mlops/models/house/predict", new { size = input.Size, rooms = input.Rooms });
            string body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                return (null, 0, $"{(int)response.StatusCode}: {body}");
            }

            using JsonDocument json = JsonDocument.Parse(body);
            return (json.RootElement.GetProperty("predictionId").GetString(), json.RootElement.GetProperty("modelVersion").GetInt32(), null);
        }
        catch (HttpRequestException e)
        {
            return (null, 0, e.Message);
        }
    }

    /// <summary>A query on the throwaway database (a fresh connection: the caller knows the server is up).</summary>
    public async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql.Replace("__schema__", Schema, StringComparison.Ordinal), connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!Postgres.IsRunning)
            {
                await Postgres.StartServerAsync();   // so the host stops cleanly (flushes, deregisters)
            }

            await App.DisposeAsync();
            await OperatorServices.DisposeAsync();
        }
        finally
        {
            await Postgres.DisposeAsync();
        }
    }
}
