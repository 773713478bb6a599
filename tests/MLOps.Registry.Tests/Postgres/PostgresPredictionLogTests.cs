using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Registry.Postgres.Internal;
using Npgsql;

namespace MLOps.Registry.Tests.Postgres;

/// <summary>The prediction log on a real PostgreSQL: COPY round trip, lookups, feedback, partitions, retention, the reader.</summary>
public sealed class PostgresPredictionLogTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 10, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task AppendAsync_EveryColumnIncludingAwkwardInputs_RoundTripsThroughFindAsync()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        using PostgresPredictionLog log = PredictionLogFixture.Create(schema);
        string longText = new('ж', 20_000);
        PredictionRecord[] records =
        [
            new(PredictionId.NewId(), PredictionLogFixture.House, new ModelVersion(1), "primary", Start.AddTicks(1234567), 12.5, double.NaN, null, null),
            new(PredictionId.NewId(), ModelName.Parse("churn"), new ModelVersion(7), "candidate", Start, 1, 0.93, null, "région-🌍",
                [
                    new LoggedFeature("age", FeatureKind.Numeric, double.NaN, null),
                    new LoggedFeature("premium", FeatureKind.Boolean, 1, null),
                    new LoggedFeature("city", FeatureKind.Categorical, double.NaN, null),
                    new LoggedFeature("名前", FeatureKind.Categorical, double.NaN, "東京 \"quoted\" \\ ,{}"),
                    new LoggedFeature("long", FeatureKind.Categorical, double.NaN, longText),
                    new LoggedFeature("extreme", FeatureKind.Numeric, double.MaxValue, null),
                    new LoggedFeature("negative-infinity", FeatureKind.Numeric, double.NegativeInfinity, null),
                ]),
            new(PredictionId.NewId(), ModelName.Parse("iris"), new ModelVersion(2), "shadow", Start, double.NaN, double.NaN, "setosa", longText, []),
        ];

        await log.AppendAsync(records);

        Assert.Equal(0, log.HeldCount);
        foreach (PredictionRecord expected in records)
        {
            PredictionRecord? found = await log.FindAsync(expected.PredictionId);
            Assert.NotNull(found);
            PredictionLogFixture.AssertSame(expected, found.Value);
        }

        Assert.Equal("replica-a", await schema.ScalarAsync<string>("SELECT DISTINCT replica_id FROM __schema__.predictions"));
        Assert.Equal(2L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.predictions WHERE score IS NULL"));
        Assert.Null(await log.FindAsync(PredictionId.NewId()));
        Assert.Null(await log.FindAsync(default));
    }

    [Fact]
    public async Task AppendAsync_TextPostgresCannotHold_IsStoredWithReplacementCharacters()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        using PostgresPredictionLog log = PredictionLogFixture.Create(schema);
        var record = new PredictionRecord(
            PredictionId.NewId(), PredictionLogFixture.House, new ModelVersion(1), "primary", Start, 1, double.NaN, "a\0b", "x\uD800y",
            [new LoggedFeature("f\0", FeatureKind.Categorical, double.NaN, "\uDC00")]);

        await log.AppendAsync([record]);

        PredictionRecord found = (await log.FindAsync(record.PredictionId))!.Value;
        Assert.Equal("a\uFFFDb", found.PredictedLabel);
        Assert.Equal("x\uFFFDy", found.Segment);
        Assert.Equal(new LoggedFeature("f\uFFFD", FeatureKind.Categorical, double.NaN, "\uFFFD"), Assert.Single(found.Inputs!));
    }

    [Fact]
    public async Task FindAsync_PredictionWrittenByAnotherReplica_IsFound()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        await using NpgsqlDataSource otherSource = NpgsqlDataSource.Create(schema.ConnectionString);
        using PostgresPredictionLog replicaA = PredictionLogFixture.Create(schema, replicaId: "a");
        using PostgresPredictionLog replicaB = PredictionLogFixture.Create(schema, otherSource, replicaId: "b");
        PredictionRecord madeByA = PredictionLogFixture.Record(Start, 4);

        await replicaA.AppendAsync([madeByA]);
        PredictionRecord? seenByB = await replicaB.FindAsync(madeByA.PredictionId);

        Assert.NotNull(seenByB);
        PredictionLogFixture.AssertSame(madeByA, seenByB.Value);
        Assert.Equal("a", await schema.ScalarAsync<string>("SELECT replica_id FROM __schema__.predictions"));
    }

    [Fact]
    public async Task TryAppendAsync_TwoReplicasRaceOnTheSamePrediction_ExactlyOneWins()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        await using NpgsqlDataSource otherSource = NpgsqlDataSource.Create(schema.ConnectionString);
        using PostgresPredictionLog replicaA = PredictionLogFixture.Create(schema, replicaId: "a");
        using PostgresPredictionLog replicaB = PredictionLogFixture.Create(schema, otherSource, replicaId: "b");
        await replicaA.EnsurePreparedAsync();
        await replicaB.EnsurePreparedAsync();

        for (int round = 0; round < 20; round++)
        {
            var id = PredictionId.NewId();
            using var gate = new Barrier(2);
            Task<bool> a = Task.Run(async () => { gate.SignalAndWait(); return await replicaA.TryAppendAsync(new FeedbackRecord(id, 1.0, Start)); });
            Task<bool> b = Task.Run(async () => { gate.SignalAndWait(); return await replicaB.TryAppendAsync(new FeedbackRecord(id, 2.0, Start)); });
            bool[] wins = await Task.WhenAll(a, b);

            Assert.Equal(1, wins.Count(w => w));
            string winner = wins[0] ? "a" : "b";
            await using NpgsqlCommand read = schema.DataSource.CreateCommand($"SELECT replica_id, actual_number FROM \"{schema.Name}\".feedback WHERE prediction_id = $1");
            read.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id.ToGuid() });
            await using NpgsqlDataReader row = await read.ExecuteReaderAsync();
            Assert.True(await row.ReadAsync());
            Assert.Equal(winner, row.GetString(0));
            Assert.Equal(wins[0] ? 1.0 : 2.0, row.GetDouble(1));
        }

        Assert.False(await replicaA.TryAppendAsync(new FeedbackRecord(
            PredictionId.Parse(await schema.ScalarAsync<string>("SELECT prediction_id::text FROM __schema__.feedback LIMIT 1")), 3.0, Start)));
        await Assert.ThrowsAsync<ArgumentException>(() => replicaA.TryAppendAsync(new FeedbackRecord(default, 1.0, Start)).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => replicaA.TryAppendAsync(new FeedbackRecord(PredictionId.NewId(), default, Start)).AsTask());
    }

    [Fact]
    public async Task RunMaintenanceAsync_CreatesPartitionsAheadAndDropsThoseOlderThanTheRetention()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        var time = new FakeTimeProvider(Start);
        await using ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        IMeterFactory meters = services.GetRequiredService<IMeterFactory>();
        using var dropped = new MetricCollector<long>(meters, MLOpsTelemetry.Name, PredictionLogMetrics.PartitionsDropped);
        using PostgresPredictionLog log = PredictionLogFixture.Create(
            schema, time: time, meters: meters, options: new PostgresPredictionLogOptions { RetentionPeriod = TimeSpan.FromDays(3), PartitionsAhead = 2 });

        Assert.Empty(await log.RunMaintenanceAsync());
        Assert.Equal(
            ["predictions_p202612070000_202612080000", "predictions_p202612080000_202612090000", "predictions_p202612090000_202612100000"],
            await PartitionsAsync(schema));

        PredictionRecord old = PredictionLogFixture.Record(Start, 1);
        await log.AppendAsync([old]);
        Assert.True(await log.TryAppendAsync(new FeedbackRecord(old.PredictionId, 2.0, Start)));

        time.Advance(TimeSpan.FromDays(3));   // Dec 10, 10:30: the cutoff (Dec 7, 10:30) is inside the first partition.
        Assert.Empty(await log.RunMaintenanceAsync());
        Assert.NotNull(await log.FindAsync(old.PredictionId));

        time.Advance(TimeSpan.FromDays(1));   // Dec 11, 10:30: the first partition ended before the cutoff (Dec 8, 10:30).
        PredictionRecord recent = PredictionLogFixture.Record(time.GetUtcNow(), 2);
        await log.AppendAsync([recent]);
        Assert.Equal(["predictions_p202612070000_202612080000"], await log.RunMaintenanceAsync());

        Assert.Null(await log.FindAsync(old.PredictionId));
        Assert.NotNull(await log.FindAsync(recent.PredictionId));
        Assert.Equal(0L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.feedback"));
        Assert.Equal(
            ["predictions_p202612080000_202612090000", "predictions_p202612090000_202612100000", "predictions_p202612100000_202612110000",
             "predictions_p202612110000_202612120000", "predictions_p202612120000_202612130000", "predictions_p202612130000_202612140000"],
            await PartitionsAsync(schema));
        Assert.Equal(1L, dropped.GetMeasurementSnapshot().EvaluateAsCounter());
    }

    [Fact]
    public async Task AppendAsync_RowsOutsideEveryPartition_CreatesTheirPartitionsWithoutOverlappingOldOnes()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        using (PostgresPredictionLog daily = PredictionLogFixture.Create(schema))
        {
            await daily.AppendAsync([PredictionLogFixture.Record(Start)]);
        }

        // A log configured with 6-hour partitions later: its slot 06:00–12:00 lies inside the daily partition, 12:00–18:00 does not.
        using PostgresPredictionLog sixHourly = PredictionLogFixture.Create(schema, options: new PostgresPredictionLogOptions { PartitionInterval = TimeSpan.FromHours(6) });
        await sixHourly.AppendAsync([PredictionLogFixture.Record(Start.AddHours(1)), PredictionLogFixture.Record(Start.AddDays(1).AddHours(3))]);

        Assert.Equal(["predictions_p202612070000_202612080000", "predictions_p202612081200_202612081800"], await PartitionsAsync(schema));
        Assert.Equal(3L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.predictions"));
    }

    [Fact]
    public async Task ReadAsync_ManyRows_StreamsPageByPageJoinedWithFeedback()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        using PostgresPredictionLog log = PredictionLogFixture.Create(schema);
        log.ReadPageSize = 500;
        const int Rows = 12_000;
        var records = new PredictionRecord[Rows];
        for (int i = 0; i < Rows; i++)
        {
            records[i] = PredictionLogFixture.Record(Start.AddMilliseconds(i), i);
        }

        for (int offset = 0; offset < Rows; offset += 1024)
        {
            await log.AppendAsync(records[offset..Math.Min(Rows, offset + 1024)]);
        }

        await log.AppendAsync([PredictionLogFixture.Record(Start.AddMilliseconds(5), 1, ModelName.Parse("other"))]);
        for (int i = 0; i < Rows; i += 3)
        {
            Assert.True(await log.TryAppendAsync(new FeedbackRecord(records[i].PredictionId, i + 0.25, Start.AddMinutes(1))));
        }

        await using IAsyncEnumerator<LoggedPrediction> rows = log.ReadAsync(PredictionLogFixture.House, Start, Start.AddMilliseconds(Rows - 1)).GetAsyncEnumerator();
        long pagesBefore = log.PagesFetched;
        Assert.True(await rows.MoveNextAsync());
        Assert.Equal(1, log.PagesFetched - pagesBefore);   // the first row arrives before the rest of the range is fetched
        int read = 0;
        do
        {
            LoggedPrediction row = rows.Current;
            PredictionLogFixture.AssertSame(records[read], row.Prediction);
            Assert.Equal(read % 3 == 0 ? GroundTruth.FromNumber(read + 0.25) : (GroundTruth?)null, row.Actual);
            read++;
        }
        while (await rows.MoveNextAsync());

        Assert.Equal(Rows - 1, read);   // the end of the range is exclusive
        Assert.Equal(((Rows - 1) / 500) + 1, log.PagesFetched - pagesBefore);   // 23 full pages and one of 499 rows
    }

    [Fact]
    public async Task ReadAsync_InvalidRange_Throws()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        using PostgresPredictionLog log = PredictionLogFixture.Create(schema);

        await Assert.ThrowsAsync<ArgumentException>(async () => await log.ReadAsync(PredictionLogFixture.House, Start, Start.AddSeconds(-1)).GetAsyncEnumerator().MoveNextAsync());
        await Assert.ThrowsAsync<ArgumentException>(async () => await log.ReadAsync(default, Start, Start).GetAsyncEnumerator().MoveNextAsync());
    }

    internal static async Task<string[]> PartitionsAsync(TestSchema schema)
    {
        await using NpgsqlCommand command = schema.DataSource.CreateCommand(
            $"SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = '\"{schema.Name}\".predictions'::regclass ORDER BY 1");
        var names = new List<string>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return [.. names];
    }
}
