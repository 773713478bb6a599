using System.Diagnostics;
using System.Globalization;
using MLOps.Registry.Tests.Postgres;
using Npgsql;

namespace MLOps.Registry.Tests.MultiProcess;

/// <summary>
/// A separate OS process writing to a PostgreSQL tracker (<c>registry-worker pg-tracking &lt;schema&gt; &lt;runId&gt;
/// params|kill-in-artifact [count]</c>); the connection string is the test server's.
/// </summary>
public static class PostgresTrackingWorker
{
    public const string Command = "pg-tracking";

    public static async Task<int> RunAsync(string[] args)
    {
        var connection = new NpgsqlConnectionStringBuilder(PostgresTestServer.ConnectionString) { MaxPoolSize = 4 };
        await using var tracker = new PostgresExperimentTracker(new PostgresRegistryOptions { ConnectionString = connection.ConnectionString, Schema = args[0] });
        string runId = args[1];
        string pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        switch (args[2])
        {
            case "params":
                int count = int.Parse(args[3], CultureInfo.InvariantCulture);
                for (int i = 0; i < count; i++)
                {
                    string key = "k" + i.ToString(CultureInfo.InvariantCulture);
                    await tracker.LogMetricAsync(runId, "loss", i, step: i);
                    try
                    {
                        await tracker.LogParamAsync(runId, key, pid);
                        Console.WriteLine("won " + key + " " + pid);
                    }
                    catch (ModelRegistryException ex) when (ex.ErrorCode == RegistryErrorCode.ParamAlreadyLogged)
                    {
                        Console.WriteLine("lost " + key);
                    }
                }

                return 0;

            case "kill-in-artifact":
                // Killed inside the transaction that records the artifact: the row is inserted and the run's row locked,
                // nothing is committed.
                tracker.Fault = point =>
                {
                    if (point == "artifact-recorded")
                    {
                        Console.WriteLine("killing at " + point);
                        Process.GetCurrentProcess().Kill();
                        Thread.Sleep(Timeout.Infinite);
                    }
                };
                await tracker.LogArtifactAsync(runId, "model.zip", "weights"u8.ToArray());
                Console.WriteLine("completed");
                return 0;

            default:
                await Console.Error.WriteLineAsync("unknown pg-tracking command " + args[2]);
                return 2;
        }
    }
}
