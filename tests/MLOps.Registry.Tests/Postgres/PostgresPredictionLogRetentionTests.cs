using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MLOps.Core.Tests.Support;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Registry.Postgres.Internal;

namespace MLOps.Registry.Tests.Postgres;

/// <summary>
/// Feedback retention follows the prediction (migration 0010): feedback is deleted only once its prediction's partition
/// is dropped, so first-wins holds for as long as the prediction can be found, and a resend after the retention is
/// refused as unknown, never joined a second time. Each feedback is sent by a fresh replica (its own memory), so only the
/// database decides.
/// </summary>
public sealed class PostgresPredictionLogRetentionTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-11-01T00:00:10Z", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Retention_FeedbackOutlivesItsReceivedTimeWhileThePredictionStays_ResendIsDuplicate_AfterThePartitionIsDroppedItIsUnknown()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        var time = new FakeTimeProvider(Start);
        PredictionRecord prediction = PredictionLogFixture.Record(Start) with { PredictedValue = 120, Score = 120 };
        await using (ServiceProvider writer = Replica(schema, time))
        {
            await writer.GetRequiredService<PostgresPredictionLog>().AppendAsync([prediction]);
        }

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(FeedbackOutcome.Joined, await SendAsync(schema, time, prediction.PredictionId));
        Assert.Equal(prediction.Timestamp, await schema.ScalarAsync<DateTime>("SELECT predicted_at FROM __schema__.feedback"));
        await schema.ExecuteAsync("DELETE FROM __schema__.quality_queue");   // the leader joined the pair and deleted it

        // 30.5 days on: the feedback was received before the cutoff, but its prediction's partition (a whole day) is
        // still there. Deleting the feedback by the time received (before migration 0010) let this resend be joined again.
        time.Advance(TimeSpan.FromDays(30.5));
        Assert.Empty(await RunMaintenanceAsync(schema, time));
        Assert.Equal(FeedbackOutcome.Duplicate, await SendAsync(schema, time, prediction.PredictionId));
        Assert.Equal(1L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.feedback"));

        // A day on: the partition is dropped, the feedback goes with it, and a resend finds no prediction.
        time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(["predictions_p202611010000_202611020000"], await RunMaintenanceAsync(schema, time));
        Assert.Equal(0L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.feedback"));
        Assert.Equal(FeedbackOutcome.UnknownPrediction, await SendAsync(schema, time, prediction.PredictionId));
        Assert.Equal(0L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.feedback"));
    }

    [Fact]
    public async Task Migration0010_ExistingFeedback_IsBackfilledFromTheLogWhereThePredictionIsStillThere()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        var migrator = new PostgresSchemaMigrator(schema.DataSource, schema.Name, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        await migrator.MigrateAsync(8);
        var kept = PredictionId.NewId();
        var gone = PredictionId.NewId();
        await schema.ExecuteAsync(
            "CREATE TABLE __schema__.predictions_p202611010000_202611020000 PARTITION OF __schema__.predictions " +
            "FOR VALUES FROM ('2026-11-01 00:00:00+00') TO ('2026-11-02 00:00:00+00')");
        await schema.ExecuteAsync(
            "INSERT INTO __schema__.predictions (id, model, version, variant, replica_id, predicted_at) " +
            $"VALUES ('{kept.ToGuid()}', 'house', 3, 'primary', 'a', '2026-11-01 06:00:00+00')");
        await schema.ExecuteAsync(
            "INSERT INTO __schema__.feedback (prediction_id, actual_kind, actual_number, received_at, replica_id) VALUES " +
            $"('{kept.ToGuid()}', 1, 1, '2026-11-01 07:00:00+00', 'a'), ('{gone.ToGuid()}', 1, 2, '2026-11-01 08:00:00+00', 'a')");

        await migrator.MigrateAsync();

        Assert.Equal(
            new DateTime(2026, 11, 1, 6, 0, 0, DateTimeKind.Utc),
            await schema.ScalarAsync<DateTime>($"SELECT predicted_at FROM __schema__.feedback WHERE prediction_id = '{kept.ToGuid()}'"));
        Assert.True(await schema.ScalarAsync<bool>($"SELECT predicted_at IS NULL FROM __schema__.feedback WHERE prediction_id = '{gone.ToGuid()}'"));
    }

    /// <summary>A replica alone on the schema: the PostgreSQL monitoring stores and model <c>house</c> with quality monitoring.</summary>
    private static ServiceProvider Replica(TestSchema schema, TimeProvider time)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(time);
        services.AddMLOps()
            .AddPostgresMonitoring(schema.ConnectionString)
            .AddPostgresPredictionLog(o =>
            {
                o.PartitionInterval = TimeSpan.FromDays(1);
                o.RetentionPeriod = TimeSpan.FromDays(30);
            })
            .AddModel<HouseInput, HousePrediction>(PredictionLogFixture.House.Value, m => m
                .FromTransformer(TestModels.Distinct[0])
                .WithQualityMonitoring(q => q.Regression(o => o.Score).Window(10).FeedbackTimeToLive(TimeSpan.FromDays(90))));
        services.Configure<PostgresRegistryOptions>(o => o.Schema = schema.Name);
        ServiceProvider provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        return provider;
    }

    /// <summary>Sends feedback from a fresh replica; the fake clock is moved on while it waits for an unknown prediction.</summary>
    private static async Task<FeedbackOutcome> SendAsync(TestSchema schema, FakeTimeProvider time, PredictionId id)
    {
        await using ServiceProvider replica = Replica(schema, time);
        Task<FeedbackResult> sending = replica.GetRequiredService<IFeedbackSink>().RecordAsync(id, GroundTruth.FromNumber(100)).AsTask();
        while (!sending.IsCompleted)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));   // the sink polls the log for up to 5 s of its clock
            await Task.WhenAny(sending, Task.Delay(10));
        }

        return (await sending).Outcome;
    }

    [Fact]
    public async Task Retention_PublishedQualityWindows_OlderOnesGo_EachVersionAndVariantKeepsItsLatest()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        var time = new FakeTimeProvider(Start.AddDays(40));
        Assert.Empty(await RunMaintenanceAsync(schema, time));   // migrates
        // v1/primary: three windows, all past the 30-day retention; v2/primary: one old, one recent; v1/canary: one old.
        await schema.ExecuteAsync(
            """
            INSERT INTO __schema__.quality_windows (id, model, version, variant, window_start, window_end, pairs, queue_rows, quality, published_by, term, closed_at) VALUES
              (gen_random_uuid(), 'm', 1, 'primary', '2026-11-01', '2026-11-01 01:00', 10, 10, '{}', 'r', gen_random_uuid(), '2026-11-01 01:00'),
              (gen_random_uuid(), 'm', 1, 'primary', '2026-11-01 01:00', '2026-11-01 02:00', 10, 10, '{}', 'r', gen_random_uuid(), '2026-11-01 02:00'),
              (gen_random_uuid(), 'm', 1, 'primary', '2026-11-01 02:00', '2026-11-01 03:00', 10, 10, '{"last":true}', 'r', gen_random_uuid(), '2026-11-01 03:00'),
              (gen_random_uuid(), 'm', 2, 'primary', '2026-11-01', '2026-11-01 01:00', 10, 10, '{}', 'r', gen_random_uuid(), '2026-11-01 01:00'),
              (gen_random_uuid(), 'm', 2, 'primary', '2026-12-10', '2026-12-10 01:00', 10, 10, '{"recent":true}', 'r', gen_random_uuid(), '2026-12-10 01:00'),
              (gen_random_uuid(), 'm', 1, 'canary',  '2026-11-01', '2026-11-01 01:00', 10, 10, '{"canary":true}', 'r', gen_random_uuid(), '2026-11-01 01:00')
            """);

        await RunMaintenanceAsync(schema, time);

        Assert.Equal(
            "1/canary/{\"canary\": true},1/primary/{\"last\": true},2/primary/{\"recent\": true}",
            await schema.ScalarAsync<string>("SELECT string_agg(version || '/' || variant || '/' || quality::text, ',' ORDER BY version, variant) FROM __schema__.quality_windows"));
    }

    private static async Task<IReadOnlyList<string>> RunMaintenanceAsync(TestSchema schema, TimeProvider time)
    {
        await using ServiceProvider replica = Replica(schema, time);
        return await replica.GetRequiredService<PostgresPredictionLog>().RunMaintenanceAsync();
    }
}
