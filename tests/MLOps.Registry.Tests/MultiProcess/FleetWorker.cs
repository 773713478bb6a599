using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MLOps.Registry.Tests.Postgres;
using Npgsql;

namespace MLOps.Registry.Tests.MultiProcess;

/// <summary>
/// A replica of a fleet as a separate OS process (<c>registry-worker fleet &lt;schema&gt;</c>): a host with the
/// PostgreSQL registry (so fleet mode) on the test server. It prints <c>replica &lt;id&gt;</c> once, then
/// <c>leader true|false &lt;UTC ticks&gt;</c> at each leadership transition, and runs until it is killed.
/// </summary>
public static class FleetWorker
{
    public const string Command = "fleet";

    /// <summary>The retry interval of the workers: the failover bound the test checks.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    /// <summary>The heartbeat interval of the workers (expiry after 3 missed: 3 s).</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(string[] args)
    {
        var connection = new NpgsqlConnectionStringBuilder(PostgresTestServer.ConnectionString) { MaxPoolSize = 8 };
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddMLOps()
            .AddPostgresRegistry(o =>
            {
                o.ConnectionString = connection.ConnectionString;
                o.Schema = args[0];
            })
            .AddPostgresFleet(o =>
            {
                o.RetryInterval = RetryInterval;
                o.HeartbeatInterval = HeartbeatInterval;
            });
        using IHost host = builder.Build();
        var print = new Lock();
        using IDisposable subscription = host.Services.GetRequiredService<ILeaderElection>().Subscribe(leader =>
        {
            lock (print)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"leader {(leader ? "true" : "false")} {DateTime.UtcNow.Ticks}"));
            }
        });
        await host.StartAsync();
        Console.WriteLine("replica " + host.Services.GetRequiredService<IFleetView>().ReplicaId);
        await host.WaitForShutdownAsync();
        return 0;
    }
}
