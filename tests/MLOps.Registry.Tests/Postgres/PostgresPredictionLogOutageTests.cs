using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Registry.Postgres.Internal;
using MLOps.Core.Tests.Support;
using Npgsql;

namespace MLOps.Registry.Tests.Postgres;

/// <summary>
/// The prediction log end to end (real predictions through <c>WithQualityMonitoring</c>) and through an outage, made by
/// renaming the table away (PostgreSQL cannot be stopped per test): predictions keep succeeding, what is lost is
/// counted, and writes resume when the table is back.
/// </summary>
public sealed class PostgresPredictionLogOutageTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 10, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task AppendAsync_DuringAnOutage_HoldsOneBatchForOneRetryCountsWhatIsLostAndResumes()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        await using ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        IMeterFactory meters = services.GetRequiredService<IMeterFactory>();
        using var abandoned = new MetricCollector<long>(meters, MLOpsTelemetry.Name, PredictionLogMetrics.Abandoned);
        using var written = new MetricCollector<long>(meters, MLOpsTelemetry.Name, PredictionLogMetrics.Written);
        using var duration = new MetricCollector<double>(meters, MLOpsTelemetry.Name, PredictionLogMetrics.BatchDuration);
        var logger = new FakeLogger();
        using PostgresPredictionLog log = PredictionLogFixture.Create(schema, meters: meters, logger: logger);
        PredictionRecord[] before = Batch(3), failed = Batch(4), retried = Batch(5), after = Batch(2);

        await log.AppendAsync(before);
        await schema.ExecuteAsync("ALTER TABLE __schema__.predictions RENAME TO predictions_away");
        await log.AppendAsync(failed);                 // fails: held, not thrown
        Assert.Equal(failed.Length, log.HeldCount);
        await log.AppendAsync(retried);                // the held batch's retry fails: given up; this one is held
        Assert.Equal(retried.Length, log.HeldCount);
        await schema.ExecuteAsync("ALTER TABLE __schema__.predictions_away RENAME TO predictions");
        await log.AppendAsync(after);                  // the held batch, then this one

        Assert.Equal(0, log.HeldCount);
        Assert.Equal((long)failed.Length, abandoned.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal((long)(before.Length + retried.Length + after.Length), written.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(3, duration.GetMeasurementSnapshot().Count(m => (string?)m.Tags[MLOpsTelemetry.Tags.Outcome] == "failure"));
        foreach (PredictionRecord record in before.Concat(retried).Concat(after))
        {
            Assert.NotNull(await log.FindAsync(record.PredictionId));
        }

        foreach (PredictionRecord record in failed)
        {
            Assert.Null(await log.FindAsync(record.PredictionId));
        }

        // One warning when the outage starts, one line when it ends: no log flood while it lasts.
        Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 270 && r.Level == LogLevel.Warning);
        FakeLogRecord resumed = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 272);
        Assert.Contains($"{failed.Length} predictions were given up", resumed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predictions_WithQualityMonitoringAndThePostgresLog_AreLoggedSurviveAnOutageAndCountWhatIsLost()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddMLOps()
            .AddPostgresRegistry(o =>
            {
                o.ConnectionString = schema.ConnectionString;
                o.Schema = schema.Name;
            })
            .AddPostgresPredictionLog(o => o.RetentionPeriod = TimeSpan.FromDays(7))
            .AddModel<HouseInput, HousePrediction>("house", m => m
                .FromTransformer(TestModels.Train(2f))
                .WithQualityMonitoring(q => q.Regression(o => o.Score)));
        using IHost host = builder.Build();
        using var abandoned = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), MLOpsTelemetry.Name, PredictionLogMetrics.Abandoned);
        await host.StartAsync();
        try
        {
            var client = host.Services.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
            Assert.IsType<PostgresPredictionLog>(host.Services.GetRequiredService<IPredictionLog>());
            Assert.Same(host.Services.GetRequiredService<IPredictionLog>(), host.Services.GetRequiredService<IFeedbackLog>());
            string replicaId = host.Services.GetRequiredService<IFleetView>().ReplicaId;

            List<PredictionId> made = [.. client.PredictBatch(TestModels.Inputs).Select(p => p.PredictionId)];
            await Eventually.HoldsAsync(async () => await CountAsync(schema) == made.Count, "the first predictions in the table");
            PredictionRecord first = (await host.Services.GetRequiredService<IPredictionLog>().FindAsync(made[0]))!.Value;
            Assert.Equal("house", first.ModelName.Value);
            Assert.Equal("primary", first.Variant);
            Assert.Equal(replicaId, await schema.ScalarAsync<string>("SELECT DISTINCT replica_id FROM __schema__.predictions"));

            // Outage: every prediction still succeeds; batches fail until one held batch has been given up.
            await schema.ExecuteAsync("ALTER TABLE __schema__.predictions RENAME TO predictions_away");
            await Eventually.HoldsAsync(
                () =>
                {
                    foreach (Prediction<HousePrediction> prediction in client.PredictBatch(TestModels.Inputs))
                    {
                        Assert.True(float.IsFinite(prediction.Value.Score));
                        made.Add(prediction.PredictionId);
                    }

                    return abandoned.GetMeasurementSnapshot().EvaluateAsCounter() > 0;
                },
                "a held batch given up during the outage");

            // Recovery: new rows are written again, and every prediction is either stored or counted as lost.
            await schema.ExecuteAsync("ALTER TABLE __schema__.predictions_away RENAME TO predictions");
            List<PredictionId> afterRecovery = [.. client.PredictBatch(TestModels.Inputs).Select(p => p.PredictionId)];
            made.AddRange(afterRecovery);
            await Eventually.HoldsAsync(
                async () => await CountAsync(schema) + abandoned.GetMeasurementSnapshot().EvaluateAsCounter() == made.Count,
                "stored + abandoned = every prediction made");
            foreach (PredictionId id in afterRecovery)
            {
                Assert.NotNull(await host.Services.GetRequiredService<IPredictionLog>().FindAsync(id));
            }
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static async Task<long> CountAsync(TestSchema schema) =>
        await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.predictions");

    private static PredictionRecord[] Batch(int count) =>
        [.. Enumerable.Range(0, count).Select(i => PredictionLogFixture.Record(Start.AddSeconds(i), i))];
}
