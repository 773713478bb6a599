using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Registry.Postgres.Internal;
using Npgsql;

namespace MLOps.Registry.Tests.Postgres;

public sealed class PostgresFleetFeedbackQueueTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task TryEnqueueAsync_RoundTripsEveryFieldInPositionOrder()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        PostgresFleetFeedbackQueue queue = Queue(schema, schema.DataSource);
        PredictionRecord regression = Prediction(value: 2.5, score: double.NaN, label: null, segment: "north");
        PredictionRecord multiclass = Prediction(value: double.NaN, score: double.NaN, label: "cat", segment: null);
        PredictionRecord binary = Prediction(value: 1, score: 0.75, label: null, segment: null);

        Assert.True(await queue.TryEnqueueAsync(regression, Feedback(regression, GroundTruth.FromNumber(2.25))));
        Assert.True(await queue.TryEnqueueAsync(multiclass, Feedback(multiclass, GroundTruth.FromLabel("dog"))));
        Assert.True(await queue.TryEnqueueAsync(binary, Feedback(binary, GroundTruth.FromBoolean(true))));

        IReadOnlyList<QueuedFeedback> read = await queue.ReadAsync(Guid.NewGuid(), includeOtherJoiners: false, 10);
        Assert.Equal([regression, multiclass, binary], read.Select(q => q.Prediction));
        Assert.Equal(
            [Feedback(regression, GroundTruth.FromNumber(2.25)), Feedback(multiclass, GroundTruth.FromLabel("dog")), Feedback(binary, GroundTruth.FromBoolean(true))],
            read.Select(q => q.Feedback));
        Assert.True(read[0].Position < read[1].Position && read[1].Position < read[2].Position);
        Assert.All(read, q => Assert.Null(q.JoinedBy));
        Assert.Equal(2, (await queue.ReadAsync(Guid.NewGuid(), includeOtherJoiners: false, 2)).Count);
    }

    [Fact]
    public async Task TryEnqueueAsync_SamePredictionFromManyReplicasAtOnce_QueuedExactlyOnce()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        PredictionRecord prediction = Prediction(3, double.NaN, null, null);
        await Queue(schema, schema.DataSource).ReadAsync(Guid.NewGuid(), includeOtherJoiners: false, 1);   // migrated once, before the race
        bool[] results = await EnqueueFromSixReplicasAtOnceAsync(schema, prediction);

        Assert.Equal(1, results.Count(r => r));
        QueuedFeedback queued = Assert.Single(await Queue(schema, schema.DataSource).ReadAsync(Guid.NewGuid(), includeOtherJoiners: false, 10));
        Assert.Equal(Array.IndexOf(results, true), (int)queued.Feedback.Actual.Number);
    }

    [Fact]
    public async Task TryEnqueueAsync_FeedbackStoredButNeverQueued_QueuesTheStoredFeedbackOnceEvenAfterItsWindowIsPublished()
    {
        // Migration 0012: the pair of a stored feedback is queued by the first call for it, with the feedback that won
        // (its value, its time), whatever the caller passes; never again, also once the row left the queue.
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        PostgresFleetFeedbackQueue queue = Queue(schema, schema.DataSource);
        await queue.ReadAsync(Guid.NewGuid(), includeOtherJoiners: false, 1);   // migrated
        PredictionRecord label = Prediction(double.NaN, double.NaN, "cat", null);
        PredictionRecord number = Prediction(4, double.NaN, null, null);
        await StoreFeedbackAsync(schema, label.PredictionId, kind: 3, number: null, labelText: "dog", At.AddMinutes(1));
        await StoreFeedbackAsync(schema, number.PredictionId, kind: 1, number: 4.5, labelText: null, At.AddMinutes(2));

        Assert.True(await queue.TryEnqueueAsync(label, Feedback(label, GroundTruth.FromLabel("bird"))));
        Assert.True(await queue.TryEnqueueAsync(number, Feedback(number, GroundTruth.FromNumber(99))));
        Assert.False(await queue.TryEnqueueAsync(number, Feedback(number, GroundTruth.FromNumber(99))));

        IReadOnlyList<QueuedFeedback> read = await queue.ReadAsync(Guid.NewGuid(), includeOtherJoiners: false, 10);
        Assert.Equal(
            [new FeedbackRecord(label.PredictionId, GroundTruth.FromLabel("dog"), At.AddMinutes(1)), new FeedbackRecord(number.PredictionId, GroundTruth.FromNumber(4.5), At.AddMinutes(2))],
            read.Select(q => q.Feedback));

        var term = Guid.NewGuid();
        await queue.ClaimAsync(term, read);
        Assert.True(await queue.TryPublishAsync(term, Guid.NewGuid(), Window(2, "3"), [.. read.Select(q => q.Position)]));
        Assert.False(await queue.TryEnqueueAsync(number, Feedback(number, GroundTruth.FromNumber(99))));   // published: not queued again
        Assert.Empty(await queue.ReadAsync(Guid.NewGuid(), includeOtherJoiners: true, 10));
    }

    [Fact]
    public async Task TryEnqueueAsync_StoredFeedbackFromManyReplicasAtOnce_QueuedExactlyOnce()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        PredictionRecord prediction = Prediction(3, double.NaN, null, null);
        await Queue(schema, schema.DataSource).ReadAsync(Guid.NewGuid(), includeOtherJoiners: false, 1);
        await StoreFeedbackAsync(schema, prediction.PredictionId, kind: 1, number: 7, labelText: null, At);
        bool[] results = await EnqueueFromSixReplicasAtOnceAsync(schema, prediction);

        Assert.Equal(1, results.Count(r => r));
        QueuedFeedback queued = Assert.Single(await Queue(schema, schema.DataSource).ReadAsync(Guid.NewGuid(), includeOtherJoiners: false, 10));
        Assert.Equal(7, queued.Feedback.Actual.Number);
    }

    [Fact]
    public async Task Migration0012_FeedbackStoredBeforeIt_CountsAsQueuedAndIsNotQueuedAgain()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        var migrator = new PostgresSchemaMigrator(schema.DataSource, schema.Name, NullLogger.Instance);
        await migrator.MigrateAsync(11);   // as the release before it left the database
        PredictionRecord old = Prediction(1, double.NaN, null, null);
        PredictionRecord fresh = Prediction(2, double.NaN, null, null);
        await StoreFeedbackAsync(schema, old.PredictionId, kind: 1, number: 1, labelText: null, At);
        await migrator.MigrateAsync();
        await StoreFeedbackAsync(schema, fresh.PredictionId, kind: 1, number: 2, labelText: null, At);
        PostgresFleetFeedbackQueue queue = Queue(schema, schema.DataSource);

        Assert.False(await queue.TryEnqueueAsync(old, Feedback(old, GroundTruth.FromNumber(1))));   // it may have been joined already
        Assert.True(await queue.TryEnqueueAsync(fresh, Feedback(fresh, GroundTruth.FromNumber(2))));
    }

    [Fact]
    public async Task ClaimAsync_TwoLeadersRaceForTheSameRows_EachRowGoesToExactlyOne()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        PostgresFleetFeedbackQueue queue = Queue(schema, schema.DataSource);
        await EnqueueAsync(queue, 300);
        await using NpgsqlDataSource otherSource = NpgsqlDataSource.Create(schema.ConnectionString);
        PostgresFleetFeedbackQueue other = Queue(schema, otherSource);
        Guid a = Guid.NewGuid();
        Guid b = Guid.NewGuid();
        IReadOnlyList<QueuedFeedback> readByA = await queue.ReadAsync(a, includeOtherJoiners: false, 1000);
        IReadOnlyList<QueuedFeedback> readByB = await other.ReadAsync(b, includeOtherJoiners: false, 1000);

        // In halves and in opposite orders, so the two updates interleave and wait on each other's rows.
        Task<IReadOnlySet<long>>[] claims =
        [
            queue.ClaimAsync(a, [.. readByA.Take(200)]).AsTask(),
            other.ClaimAsync(b, [.. readByB.Skip(100).Reverse()]).AsTask(),
            queue.ClaimAsync(a, [.. readByA.Skip(200)]).AsTask(),
            other.ClaimAsync(b, [.. readByB.Take(100)]).AsTask(),
        ];
        IReadOnlySet<long>[] results = await Task.WhenAll(claims);
        HashSet<long> byA = [.. results[0], .. results[2]];
        HashSet<long> byB = [.. results[1], .. results[3]];

        Assert.Empty(byA.Intersect(byB));
        Assert.Equal(300, byA.Count + byB.Count);
        Assert.Equal((long)byA.Count, await schema.ScalarAsync<long>($"SELECT count(*) FROM __schema__.quality_queue WHERE joined_by = '{a}'"));
        Assert.Equal((long)byB.Count, await schema.ScalarAsync<long>($"SELECT count(*) FROM __schema__.quality_queue WHERE joined_by = '{b}'"));

        // A second claim with what was read before the race changes nothing: the rows no longer hold NULL.
        Assert.Empty(await other.ClaimAsync(b, readByB));
    }

    [Fact]
    public async Task ReadAsync_SteadyStateAndSweep_NeverReturnsTheReadersOwnRowsAndTheSweepTakesOverOtherTerms()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        PostgresFleetFeedbackQueue queue = Queue(schema, schema.DataSource);
        await EnqueueAsync(queue, 6);
        Guid dead = Guid.NewGuid();
        Guid next = Guid.NewGuid();
        IReadOnlyList<QueuedFeedback> all = await queue.ReadAsync(dead, includeOtherJoiners: false, 10);
        Assert.Equal(4, (await queue.ClaimAsync(dead, [.. all.Take(4)])).Count);

        Assert.Equal(all.Skip(4).Select(q => q.Position), (await queue.ReadAsync(dead, includeOtherJoiners: false, 10)).Select(q => q.Position));
        Assert.Equal(all.Skip(4).Select(q => q.Position), (await queue.ReadAsync(dead, includeOtherJoiners: true, 10)).Select(q => q.Position));
        Assert.Equal(all.Skip(4).Select(q => q.Position), (await queue.ReadAsync(next, includeOtherJoiners: false, 10)).Select(q => q.Position));

        IReadOnlyList<QueuedFeedback> swept = await queue.ReadAsync(next, includeOtherJoiners: true, 10);
        Assert.Equal(all.Select(q => q.Position), swept.Select(q => q.Position));   // position order, the dead term's rows first
        Assert.Equal([dead, dead, dead, dead, null, null], swept.Select(q => q.JoinedBy));
        Assert.Equal(6, (await queue.ClaimAsync(next, swept)).Count);
        Assert.Empty(await queue.ReadAsync(next, includeOtherJoiners: true, 10));
    }

    [Fact]
    public async Task TryPublishAsync_SomeRowsClaimedByAnotherTerm_RollsBackAndStoresNothing()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        PostgresFleetFeedbackQueue queue = Queue(schema, schema.DataSource);
        await EnqueueAsync(queue, 5);
        Guid a = Guid.NewGuid();
        Guid b = Guid.NewGuid();
        IReadOnlyList<QueuedFeedback> read = await queue.ReadAsync(a, includeOtherJoiners: false, 10);
        await queue.ClaimAsync(a, read);
        IReadOnlyList<QueuedFeedback> stolen = [.. (await queue.ReadAsync(b, includeOtherJoiners: true, 10)).Take(2)];
        Assert.Equal(2, (await queue.ClaimAsync(b, stolen)).Count);
        long[] positions = [.. read.Select(q => q.Position)];

        Assert.False(await queue.TryPublishAsync(a, Guid.NewGuid(), Window(5, "3"), positions));

        Assert.Equal(5L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.quality_queue"));
        Assert.Equal(0L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.quality_windows"));

        // The rows it still holds: published, deleted in the same transaction; a retry with the same id stores nothing more.
        Guid id = Guid.NewGuid();
        Assert.True(await queue.TryPublishAsync(a, id, Window(3, "3"), positions[2..]));
        Assert.True(await queue.TryPublishAsync(a, id, Window(3, "3"), positions[2..]));
        Assert.Equal(2L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.quality_queue"));
        Assert.Equal(1L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.quality_windows"));
        Assert.Equal(3L, await schema.ScalarAsync<long>("SELECT pairs FROM __schema__.quality_windows"));
    }

    [Fact]
    public async Task ReleaseAsync_StepDown_AllTheTermsRowsAreUnclaimedAndOtherTermsKeepTheirs()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        PostgresFleetFeedbackQueue queue = Queue(schema, schema.DataSource);
        await EnqueueAsync(queue, 6);
        Guid a = Guid.NewGuid();
        Guid b = Guid.NewGuid();
        IReadOnlyList<QueuedFeedback> read = await queue.ReadAsync(a, includeOtherJoiners: false, 10);
        await queue.ClaimAsync(a, [.. read.Take(4)]);
        await queue.ClaimAsync(b, [.. read.Skip(4)]);

        await queue.ReleaseAsync(a, [read[0].Position]);
        Assert.Equal(3L, await schema.ScalarAsync<long>($"SELECT count(*) FROM __schema__.quality_queue WHERE joined_by = '{a}'"));
        await queue.ReleaseAsync(a, null);
        await queue.ReleaseAsync(a, []);

        Assert.Equal(read.Take(4).Select(q => q.Position), (await queue.ReadAsync(b, includeOtherJoiners: false, 10)).Select(q => q.Position));
        Assert.Equal(2L, await schema.ScalarAsync<long>($"SELECT count(*) FROM __schema__.quality_queue WHERE joined_by = '{b}'"));
    }

    [Fact]
    public async Task DeleteAsync_OnlyTheTermsRowsAreDeleted()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        PostgresFleetFeedbackQueue queue = Queue(schema, schema.DataSource);
        PredictionRecord[] predictions = await EnqueueAsync(queue, 3);
        Guid a = Guid.NewGuid();
        IReadOnlyList<QueuedFeedback> read = await queue.ReadAsync(a, includeOtherJoiners: false, 10);
        await queue.ClaimAsync(a, [.. read.Take(2)]);

        await queue.DeleteAsync(a, [.. read.Select(q => q.Position)]);
        await queue.DeleteAsync(a, []);

        Assert.Equal([read[2].Position], (await queue.ReadAsync(a, includeOtherJoiners: true, 10)).Select(q => q.Position));
        Assert.False(await queue.TryEnqueueAsync(predictions[2], Feedback(predictions[2], GroundTruth.FromNumber(2))));   // still queued: still unique
    }

    [Fact]
    public async Task ReadPublishedAsync_LatestAndTheLatestOfEachVersion_InPublicationOrderAndEqualToWhatWasPublished()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        PostgresFleetFeedbackQueue queue = Queue(schema, schema.DataSource);
        Guid term = Guid.NewGuid();
        QualityWindow old = Window(7, "0.25", version: 2);
        Assert.True(await queue.TryPublishAsync(term, Guid.NewGuid(), old, []));
        for (int i = 1; i <= 4; i++)
        {
            Assert.True(await queue.TryPublishAsync(term, Guid.NewGuid(), Window(i, "0.5", version: 3, minute: i), []));
        }

        Assert.True(await queue.TryPublishAsync(term, Guid.NewGuid(), Window(9, "1", version: 1, model: "other"), []));

        IReadOnlyList<QualityWindow> read = await queue.ReadPublishedAsync(ModelName.Parse("house"), limit: 2);

        Assert.Equal([(2, 7L), (3, 3L), (3, 4L)], read.Select(w => (w.ModelVersion.Number, w.Count)));
        Assert.Equal(old.ToJson(), read[0].ToJson());
        Assert.Empty(await queue.ReadPublishedAsync(ModelName.Parse("none"), limit: 2));
    }

    private static async Task<PredictionRecord[]> EnqueueAsync(PostgresFleetFeedbackQueue queue, int count)
    {
        PredictionRecord[] predictions = [.. Enumerable.Range(0, count).Select(i => Prediction(i, double.NaN, null, null))];
        foreach (PredictionRecord prediction in predictions)
        {
            Assert.True(await queue.TryEnqueueAsync(prediction, Feedback(prediction, GroundTruth.FromNumber(1))));
        }

        return predictions;
    }

    /// <summary>A closed regression window, made as a store reads one back (<see cref="QualityWindow.FromJson"/>).</summary>
    private static QualityWindow Window(long count, string rmse, int version = 3, int minute = 0, string model = "house") =>
        QualityWindow.FromJson(string.Create(CultureInfo.InvariantCulture, $$"""
            {"modelName":"{{model}}","modelVersion":{{version}},"variant":"primary","task":"Regression",
             "start":"{{At.AddMinutes(minute):O}}","end":"{{At.AddMinutes(minute + 1):O}}","isClosed":true,
             "count":{{count}},"skipped":1,"lateFeedback":0,"metrics":{"mae":0.125,"rmse":{{rmse}} },
             "undefinedMetrics":{"r2":"all actual values are equal"},
             "segments":[{"segment":"north","count":{{count}},"metrics":{"rmse":{{rmse}} },"undefinedMetrics":{ } }],"segmentRatios":{ } }
            """));

    /// <summary>Six replicas (a data source each) queue the prediction at once, replica i with ground truth i.</summary>
    private static async Task<bool[]> EnqueueFromSixReplicasAtOnceAsync(TestSchema schema, PredictionRecord prediction)
    {
        var sources = new List<NpgsqlDataSource>();
        try
        {
            for (int i = 0; i < 6; i++)
            {
                sources.Add(NpgsqlDataSource.Create(schema.ConnectionString));
            }

            return await Task.WhenAll(sources.Select((source, i) =>
                Queue(schema, source).TryEnqueueAsync(prediction, Feedback(prediction, GroundTruth.FromNumber(i))).AsTask()));
        }
        finally
        {
            foreach (NpgsqlDataSource source in sources)
            {
                await source.DisposeAsync();
            }
        }
    }

    /// <summary>Stores feedback as the prediction log's feedback table holds it (first one wins), without queuing its pair.</summary>
    private static Task StoreFeedbackAsync(TestSchema schema, PredictionId id, short kind, double? number, string? labelText, DateTimeOffset receivedAt) =>
        schema.ExecuteAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"INSERT INTO __schema__.feedback (prediction_id, actual_kind, actual_number, actual_label, received_at, replica_id) VALUES " +
            $"('{id.ToGuid()}', {kind}, {(number is { } n ? n.ToString("R", CultureInfo.InvariantCulture) : "NULL")}, " +
            $"{(labelText is null ? "NULL" : "'" + labelText + "'")}, '{receivedAt.UtcDateTime:O}', 'test')"));

    private static PostgresFleetFeedbackQueue Queue(TestSchema schema, NpgsqlDataSource source) =>
        new(source, new PostgresRegistryOptions { ConnectionString = schema.ConnectionString, Schema = schema.Name }, NullLogger.Instance);

    private static PredictionRecord Prediction(double value, double score, string? label, string? segment) =>
        new(PredictionId.NewId(), ModelName.Parse("house"), new ModelVersion(3), "primary", At, value, score, label, segment);

    private static FeedbackRecord Feedback(PredictionRecord prediction, GroundTruth actual) =>
        new(prediction.PredictionId, actual, At.AddMinutes(5));
}
