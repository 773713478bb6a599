using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MLOps.Core.Tests.Support;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Tests.Support;
using MLOps.Registry.Postgres.Internal;
using MLOps.Registry.Tests.Postgres;
using Npgsql;

namespace MLOps.Registry.Tests.Fleet;

/// <summary>Fleet drift on the real PostgreSQL, with three replicas in one process (their own hosts, clocks and leader connections).</summary>
public sealed class PostgresFleetDriftTests
{
    [Fact]
    public async Task FleetDrift_ThreeReplicasWithClocksSkewedTwoMinutes_OneMergedReportDetectsWhatNoReplicaSees()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        TimeSpan[] skews = [TimeSpan.FromMinutes(-2), TimeSpan.Zero, TimeSpan.FromMinutes(2)];
        var replicas = new List<ServiceProvider>();
        var raised = new List<DriftReport>();
        var subscriptions = new List<IDisposable>();
        try
        {
            for (int i = 0; i < FleetDriftSetup.Replicas; i++)
            {
                var services = new ServiceCollection();
                services.AddLogging();
                services.AddSingleton<TimeProvider>(new SkewedTimeProvider(skews[i]));
                services.AddReplica(schema.ConnectionString, schema.Name, "replica-" + i);
                ServiceProvider provider = services.BuildServiceProvider();
                replicas.Add(provider);
                subscriptions.Add(provider.GetRequiredService<IDriftMonitor>().Subscribe(r =>
                {
                    lock (raised)
                    {
                        raised.Add(r);
                    }
                }));
                _ = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
                foreach (IHostedService service in provider.GetServices<IHostedService>())
                {
                    await service.StartAsync(CancellationToken.None);
                }
            }

            await FleetDriftSetup.WaitForBucketStartAsync(schema);
            for (int i = 0; i < replicas.Count; i++)
            {
                replicas[i].GetRequiredService<IModelClient<HouseInput, HousePrediction>>().PredictBatch(FleetDriftSetup.Share(i));
            }

            await Eventually.HoldsAsync(
                () => replicas.All(r => r.GetRequiredService<IDriftMonitor>().GetLatestReport(FleetDriftSetup.Model) is { CurrentRows: 900 }),
                "every replica serves the fleet report of the 900 rows",
                timeoutSeconds: 120);

            // Each replica's own window (300 rows) does not detect the drift; the merged window of the bucket does.
            foreach (ServiceProvider replica in replicas)
            {
                DriftReport own = Assert.Single(replica.GetRequiredService<IDriftMonitor>().GetReplicaReports(FleetDriftSetup.Model));
                Assert.Equal(300, own.CurrentRows);
                Assert.False(own.Find("Size")!.Drifted, $"one replica alone detected the drift (p = {own.Find("Size")!.PValue})");
            }

            DriftReport fleet = replicas[0].GetRequiredService<IDriftMonitor>().GetLatestReport(FleetDriftSetup.Model)!;
            Assert.True(fleet.Find("Size")!.Drifted, $"the merged window missed the drift (p = {fleet.Find("Size")!.PValue})");
            Assert.True(fleet.DatasetDrift);
            Assert.Equal(FleetDriftStream.BinCounts(900), fleet.Find("Size")!.Distribution!.Current.Select(s => Math.Round(s * 900)));

            // Published once: one replica's subscribers saw it, the others only serve it.
            lock (raised)
            {
                Assert.Equal(900, Assert.Single(raised).CurrentRows);
            }

            // The windows' own clocks were four minutes apart, and still one bucket by the database's clock.
            Assert.Equal(1L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.fleet_drift_reports"));
            Assert.Equal(1L, await schema.ScalarAsync<long>("SELECT count(DISTINCT bucket_start) FROM __schema__.fleet_drift_windows"));
            Assert.Equal(3L, await schema.ScalarAsync<long>("SELECT count(DISTINCT replica_id) FROM __schema__.fleet_drift_windows"));
            double spread = await schema.ScalarAsync<double>("SELECT extract(epoch FROM max(window_start) - min(window_start))::float8 FROM __schema__.fleet_drift_windows");
            Assert.True(spread > 200, $"the replicas' clocks were not skewed as set up (window starts {spread} s apart)");
        }
        finally
        {
            subscriptions.ForEach(s => s.Dispose());
            foreach (ServiceProvider replica in replicas)
            {
                foreach (IHostedService service in replica.GetServices<IHostedService>().Reverse())
                {
                    await service.StopAsync(CancellationToken.None);
                }

                await replica.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task PublishAsync_SameWindowAgain_AfterALostAnswer_IsStoredOnce()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        await new PostgresSchemaMigrator(schema.DataSource, schema.Name, NullLogger.Instance).MigrateAsync();
        var options = new FleetDriftOptions { BucketLength = TimeSpan.FromSeconds(1), GracePeriod = TimeSpan.Zero };
        var a = new PostgresFleetDriftStore(schema.DataSource, schema.Name, _ => Task.CompletedTask, "a", options);
        var b = new PostgresFleetDriftStore(schema.DataSource, schema.Name, _ => Task.CompletedTask, "b", options);
        DateTimeOffset start = DateTimeOffset.UtcNow.AddMinutes(-1), end = start.AddSeconds(30);
        FleetDriftWindow window = new() { Model = FleetDriftSetup.Model, Version = 2, WindowStart = start, WindowEnd = end, Rows = 10, State = "{\"format\":1}" };

        await a.PublishAsync(window);
        await Task.Delay(1100);   // the retry arrives in a later bucket: still the same window
        await a.PublishAsync(window);
        await b.PublishAsync(window);   // another replica's window with the same times is another window
        await a.PublishAsync(window with { WindowEnd = end.AddSeconds(1) });

        Assert.Equal(3L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.fleet_drift_windows"));
        Assert.Equal(2L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.fleet_drift_windows WHERE replica_id = 'a'"));
    }

    [Fact]
    public async Task TryCompleteAsync_SameBucketTwice_StoresOneReportAndTheBucketIsNoLongerPending()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        await new PostgresSchemaMigrator(schema.DataSource, schema.Name, NullLogger.Instance).MigrateAsync();
        var options = new FleetDriftOptions { BucketLength = TimeSpan.FromSeconds(1), GracePeriod = TimeSpan.Zero };
        var a = new PostgresFleetDriftStore(schema.DataSource, schema.Name, _ => Task.CompletedTask, "a", options);
        var b = new PostgresFleetDriftStore(schema.DataSource, schema.Name, _ => Task.CompletedTask, "b", options);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        FleetDriftWindow window = new() { Model = FleetDriftSetup.Model, Version = 2, WindowStart = now, WindowEnd = now, Rows = 10, State = "{\"format\":1}" };
        await a.PublishAsync(window);
        Assert.Null(await a.GetLatestReportAsync(FleetDriftSetup.Model));

        IReadOnlyList<FleetDriftBucket> pending = [];
        await Eventually.HoldsAsync(async () => (pending = await b.GetCompleteBucketsAsync()).Count == 1, "the bucket completes", timeoutSeconds: 60);
        FleetDriftBucket bucket = pending[0];
        Assert.Equal((FleetDriftSetup.Model, 2, "a", 10L), (bucket.Model, bucket.Version, bucket.Windows.Single().Replica, bucket.Windows.Single().Rows));
        Assert.Equal(TimeSpan.FromSeconds(1), bucket.BucketEnd - bucket.BucketStart);
        Assert.Equal(0, bucket.BucketStart.ToUnixTimeMilliseconds() % 1000);

        var report = new DriftReport
        {
            ModelName = FleetDriftSetup.Model,
            ModelVersion = 2,
            CreatedAt = now,
            WindowStart = bucket.BucketStart,
            ReferenceRows = 5000,
            CurrentRows = 10,
            Features = [],
            DriftedFeatures = 0,
            EvaluatedFeatures = 0,
            DriftShare = 0,
            DriftShareThreshold = 0.5,
            DatasetDrift = false,
            Correction = MultipleTestingCorrection.None,
            DataQuality = new DataQualityReport { MissingFeatures = [], UnexpectedFeatures = [], KindMismatches = [], Features = [] },
        };
        Assert.True(await b.TryCompleteAsync(bucket, report));
        Assert.False(await a.TryCompleteAsync(bucket, report with { CurrentRows = 99 }));

        Assert.Empty(await a.GetCompleteBucketsAsync());
        DriftReport? stored = await a.GetLatestReportAsync(FleetDriftSetup.Model);
        Assert.Equal((10L, bucket.BucketStart), (stored!.CurrentRows, stored.WindowStart!.Value));
        Assert.Equal("b", await schema.ScalarAsync<string>("SELECT evaluated_by FROM __schema__.fleet_drift_reports"));
    }

    [Fact]
    public async Task HostStop_RightAfterAWindowClosedWithItsInsertInFlight_TheWindowIsInTheTable()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(2));
        builder.Services.AddReplica(schema.ConnectionString, schema.Name, "replica-stopping");
        using IHost host = builder.Build();
        var client = host.Services.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        await host.StartAsync();

        // Hold the windows' table so the closed window's insert waits in flight, as a slow database would keep it.
        await using NpgsqlConnection blocker = await schema.DataSource.OpenConnectionAsync();
        await using NpgsqlTransaction transaction = await blocker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand($"LOCK TABLE \"{schema.Name}\".fleet_drift_windows IN EXCLUSIVE MODE", blocker, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        client.PredictBatch(FleetDriftSetup.Share(0));   // one window of 300 rows closes
        DateTime first = default;
        await Eventually.HoldsAsync(async () => (first = await WaitingInsertAsync(schema, DateTime.MinValue)) != default, "the window's insert waits on the table", timeoutSeconds: 60);

        // The stop cancels that insert; the flush makes it again, within the shutdown timeout.
        Task stopping = host.StopAsync();
        await Eventually.HoldsAsync(async () => await WaitingInsertAsync(schema, first) != default, "the flush's insert of the window", timeoutSeconds: 60);
        await transaction.RollbackAsync();
        await stopping;

        Assert.Equal(1L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.fleet_drift_windows"));
        Assert.Equal(300L, await schema.ScalarAsync<long>("SELECT rows FROM __schema__.fleet_drift_windows"));
    }

    /// <summary>The start of an insert into this schema's windows waiting on a lock, begun after <paramref name="after"/>, or default.</summary>
    private static async Task<DateTime> WaitingInsertAsync(TestSchema schema, DateTime after)
    {
        await using NpgsqlCommand read = schema.DataSource.CreateCommand(
            "SELECT max(query_start) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO %' AND strpos(query, $1) > 0 AND query_start > $2");
        read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"\"{schema.Name}\".fleet_drift_windows" });
        read.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = DateTime.SpecifyKind(after, DateTimeKind.Utc) });
        return await read.ExecuteScalarAsync() is DateTime start ? start : default;
    }

    [Fact]
    public async Task DeleteExpiredAsync_OldBuckets_DeletesTheirWindowsAndReportsButTheLatestReportPerVersion_AndNoneIsEvaluatedAgain()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        await new PostgresSchemaMigrator(schema.DataSource, schema.Name, NullLogger.Instance).MigrateAsync();
        var options = new FleetDriftOptions { BucketLength = TimeSpan.FromMinutes(1), GracePeriod = TimeSpan.Zero };
        var store = new PostgresFleetDriftStore(schema.DataSource, schema.Name, _ => Task.CompletedTask, "a", options);

        // Buckets placed in the past by the database's clock: house v1 at −10 d, −9 d (evaluated) and −1 h (evaluated,
        // the latest); house v2 at −10 d (evaluated, its only report); flat v1 at −8 d and −2 min (never evaluated).
        await BucketAsync(schema, "house", 1, "10 days", evaluated: true);
        await BucketAsync(schema, "house", 1, "9 days", evaluated: true);
        await BucketAsync(schema, "house", 1, "1 hour", evaluated: true);
        await BucketAsync(schema, "house", 2, "10 days", evaluated: true);
        await BucketAsync(schema, "flat", 1, "8 days", evaluated: false);
        await BucketAsync(schema, "flat", 1, "2 minutes", evaluated: false);

        int deleted = await store.DeleteExpiredAsync(TimeSpan.FromDays(7));

        Assert.Equal(4 + 2, deleted);   // four old buckets' windows, house v1's two old reports
        Assert.Equal("flat/1/recent,house/1/recent", await schema.ScalarAsync<string>($"SELECT string_agg({Described}, ',' ORDER BY model, version) FROM __schema__.fleet_drift_windows"));
        Assert.Equal("house/1/recent,house/2/old", await schema.ScalarAsync<string>($"SELECT string_agg({Described}, ',' ORDER BY model, version) FROM __schema__.fleet_drift_reports"));

        // Nothing deleted comes back as pending: only the recent bucket never evaluated does.
        FleetDriftBucket pending = Assert.Single(await store.GetCompleteBucketsAsync());
        Assert.Equal((ModelName.Parse("flat"), 1), (pending.Model, pending.Version));
        Assert.Equal(0, await store.DeleteExpiredAsync(TimeSpan.FromDays(7)));
        Assert.Equal(ModelName.Parse("house"), (await store.GetLatestReportAsync(FleetDriftSetup.Model))!.ModelName);
    }

    /// <summary>A row as model/version/age: <c>recent</c> within a day, else <c>old</c>.</summary>
    private const string Described = "model || '/' || version || '/' || CASE WHEN bucket_start > now() - interval '1 day' THEN 'recent' ELSE 'old' END";

    /// <summary>Inserts one window of a bucket that started <paramref name="ago"/> before the database's now, and its report when evaluated.</summary>
    private static async Task BucketAsync(TestSchema schema, string model, int version, string ago, bool evaluated)
    {
        string start = $"date_trunc('minute', now() - interval '{ago}')";
        await schema.ExecuteAsync(
            $"INSERT INTO __schema__.fleet_drift_windows (model, version, replica_id, bucket_start, bucket_end, window_start, window_end, rows, state) " +
            $"VALUES ('{model}', {version}, 'a', {start}, {start} + interval '1 minute', {start}, {start}, 10, '{{}}')");
        if (evaluated)
        {
            var report = new DriftReport
            {
                ModelName = ModelName.Parse(model),
                ModelVersion = version,
                CreatedAt = DateTimeOffset.UtcNow,
                ReferenceRows = 1,
                CurrentRows = 10,
                Features = [],
                DriftedFeatures = 0,
                EvaluatedFeatures = 0,
                DriftShare = 0,
                DriftShareThreshold = 0.5,
                DatasetDrift = false,
                Correction = MultipleTestingCorrection.None,
                DataQuality = new DataQualityReport { MissingFeatures = [], UnexpectedFeatures = [], KindMismatches = [], Features = [] },
            };
            string json = report.ToJson().Replace("'", "''", StringComparison.Ordinal);
            await schema.ExecuteAsync(
                $"INSERT INTO __schema__.fleet_drift_reports (model, version, bucket_start, bucket_end, windows, replicas, rows, dataset_drift, report, evaluated_by) " +
                $"VALUES ('{model}', {version}, {start}, {start} + interval '1 minute', 1, 1, 10, false, '{json}', 'a')");
        }
    }

    /// <summary>The system clock shifted by a fixed offset: a replica whose clock is off (timers are the system's).</summary>
    private sealed class SkewedTimeProvider(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }
}
