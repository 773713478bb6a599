using System.Globalization;
using MLOps.Registry.Tests.Postgres;

namespace MLOps.Registry.Tests.MultiProcess;

/// <summary>Real OS processes writing to one run through PostgreSQL.</summary>
public sealed class MultiProcessPostgresTrackerTests : IAsyncLifetime
{
    private TestSchema? _schema;
    private PostgresExperimentTracker? _tracker;

    private TestSchema Schema => _schema!;

    private PostgresExperimentTracker Tracker => _tracker!;

    public async Task InitializeAsync()
    {
        _schema = await PostgresTestServer.CreateSchemaAsync();
        _tracker = PostgresTrackerConformanceTests.Open(_schema, TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        await Tracker.DisposeAsync();
        await Schema.DisposeAsync();
    }

    [Fact]
    public async Task ThreeProcesses_LogTheSameParamKeysAndMetrics_EachKeyHasOneWinnerAndNoPointIsLost()
    {
        const int Keys = 30;
        TrackedRun run = await Tracker.StartRunAsync("taxi");

        WorkerProcess[] workers = [.. Enumerable.Range(0, 3).Select(_ =>
            WorkerProcess.Start(PostgresTrackingWorker.Command, Schema.Name, run.RunId, "params", Keys.ToString(CultureInfo.InvariantCulture)))];
        try
        {
            foreach (WorkerProcess worker in workers)
            {
                Assert.True(await worker.WaitForExitAsync() == 0, worker.Error);
            }

            TrackedRun read = (await Tracker.GetRunAsync(run.RunId))!;
            for (int i = 0; i < Keys; i++)
            {
                string key = "k" + i.ToString(CultureInfo.InvariantCulture);
                string won = Assert.Single(workers.SelectMany(w => w.OutputLines), l => l.StartsWith("won " + key + " ", StringComparison.Ordinal));
                Assert.Equal(2, workers.SelectMany(w => w.OutputLines).Count(l => l == "lost " + key));
                Assert.Equal(won.Split(' ')[2], read.Params[key]);
            }

            Assert.Equal(3 * Keys, (await Tracker.GetMetricHistoryAsync(run.RunId, "loss")).Count);
            Assert.Equal(Keys - 1, read.Metrics["loss"]);
        }
        finally
        {
            foreach (WorkerProcess worker in workers)
            {
                worker.Dispose();
            }
        }
    }

    [Fact]
    public async Task ProcessKilledInsideTheArtifactTransaction_RecordsNothingAndReleasesTheRunLock()
    {
        TrackedRun run = await Tracker.StartRunAsync("taxi");

        using (WorkerProcess worker = WorkerProcess.Start(PostgresTrackingWorker.Command, Schema.Name, run.RunId, "kill-in-artifact"))
        {
            Assert.NotEqual(0, await worker.WaitForExitAsync());
            Assert.Contains("killing at artifact-recorded", worker.OutputLines);
        }

        // The server rolls back the dead session's transaction and drops its lock: the run is writable and the path free.
        Assert.Empty(await Tracker.ListArtifactsAsync(run.RunId));
        await Tracker.LogParamAsync(run.RunId, "after", "kill");
        RunArtifact stored = await Tracker.LogArtifactAsync(run.RunId, "model.zip", "retried"u8.ToArray());
        Assert.Equal("retried"u8.ToArray(), await Tracker.ReadArtifactAsync(run.RunId, stored.Path));
        TrackedRun ended = await Tracker.EndRunAsync(run.RunId);
        Assert.Equal("kill", ended.Params["after"]);

        // The killed upload's blob stays behind unlisted (documented: no garbage collection yet).
        Assert.Equal(2L, await Schema.ScalarAsync<long>($"SELECT count(*) FROM __schema__.artifacts WHERE key LIKE '_tracking/{run.RunId}/%'"));
    }
}
