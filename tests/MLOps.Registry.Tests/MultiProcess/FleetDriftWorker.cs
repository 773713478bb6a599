using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MLOps.Core.Tests.Support;
using MLOps.Monitoring.Drift;
using MLOps.Registry.Tests.Fleet;
using MLOps.Registry.Tests.Postgres;
using Npgsql;

namespace MLOps.Registry.Tests.MultiProcess;

/// <summary>
/// A replica with fleet drift as a separate OS process (<c>registry-worker fleet-drift &lt;schema&gt; &lt;index&gt;
/// &lt;signal directory&gt;</c>): it serves model <c>house</c> (<see cref="FleetDriftSetup"/>) and, each time a file
/// <c>round-N</c> appears in the signal directory, predicts its third of the drifted stream. It prints
/// <c>replica &lt;id&gt;</c> once started (with a fourth argument <c>alone</c>, without the PostgreSQL registry), <c>leader true|false &lt;ticks&gt;</c> at each leadership transition,
/// <c>own &lt;rows&gt; &lt;drifted&gt;</c> for each of its own windows and <c>fleet &lt;bucket ticks&gt; &lt;rows&gt;
/// &lt;drifted&gt;</c> for each fleet report its subscribers are given (only the leader that stored it), and runs until killed.
/// </summary>
public static class FleetDriftWorker
{
    public const string Command = "fleet-drift";

    /// <summary>A fourth argument: the replica uses <c>AddPostgresMonitoring(connectionString)</c> without the registry.</summary>
    public const string AloneMode = "alone";

    public static async Task<int> RunAsync(string[] args)
    {
        string schema = args[0];
        int index = int.Parse(args[1], CultureInfo.InvariantCulture);
        string signals = args[2];
        var connection = new NpgsqlConnectionStringBuilder(PostgresTestServer.ConnectionString) { MaxPoolSize = 8 };
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        if (args.Length > 3 && args[3] == AloneMode)
        {
            builder.Services.AddAloneReplica(connection.ConnectionString, schema);
        }
        else
        {
            builder.Services.AddReplica(connection.ConnectionString, schema);
        }

        using IHost host = builder.Build();
        var print = new Lock();
        void Print(string line)
        {
            lock (print)
            {
                Console.WriteLine(line);
            }
        }

        using IDisposable leadership = host.Services.GetRequiredService<ILeaderElection>().Subscribe(leader =>
            Print(string.Create(CultureInfo.InvariantCulture, $"leader {(leader ? "true" : "false")} {DateTime.UtcNow.Ticks}")));
        IDriftMonitor monitor = host.Services.GetRequiredService<IDriftMonitor>();
        using IDisposable reports = monitor.Subscribe(r =>
            Print(string.Create(CultureInfo.InvariantCulture, $"fleet {r.WindowStart!.Value.UtcTicks} {r.CurrentRows} {r.DatasetDrift}")));
        var client = host.Services.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        await host.StartAsync();
        Print("replica " + host.Services.GetRequiredService<IFleetView>().ReplicaId);

        int round = 1, own = 0;
        while (true)
        {
            if (File.Exists(Path.Combine(signals, "round-" + round.ToString(CultureInfo.InvariantCulture))))
            {
                client.PredictBatch(FleetDriftSetup.Share(index));
                round++;
            }

            IReadOnlyList<DriftReport> mine = monitor.GetReplicaReports(FleetDriftSetup.Model);
            for (; own < mine.Count; own++)
            {
                Print(string.Create(CultureInfo.InvariantCulture, $"own {mine[own].CurrentRows} {mine[own].Find("Size")!.Drifted}"));
            }

            await Task.Delay(50);
        }
    }
}
