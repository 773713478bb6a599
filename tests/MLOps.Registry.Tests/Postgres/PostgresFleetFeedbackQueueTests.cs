using Microsoft.Extensions.Logging.Abstractions;
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

        IReadOnlyList<QueuedFeedback> read = await queue.ReadPendingAsync(10);
        Assert.Equal([regression, multiclass, binary], read.Select(q => q.Prediction));
        Assert.Equal(
            [Feedback(regression, GroundTruth.FromNumber(2.25)), Feedback(multiclass, GroundTruth.FromLabel("dog")), Feedback(binary, GroundTruth.FromBoolean(true))],
            read.Select(q => q.Feedback));
        Assert.True(read[0].Position < read[1].Position && read[1].Position < read[2].Position);
        Assert.Equal(2, (await queue.ReadPendingAsync(2)).Count);
    }

    [Fact]
    public async Task TryEnqueueAsync_SamePredictionFromManyReplicasAtOnce_QueuedExactlyOnce()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        PredictionRecord prediction = Prediction(3, double.NaN, null, null);
        await Queue(schema, schema.DataSource).ReadPendingAsync(1);   // migrated once, before the race
        var sources = new List<NpgsqlDataSource>();
        try
        {
            for (int i = 0; i < 6; i++)
            {
                sources.Add(NpgsqlDataSource.Create(schema.ConnectionString));
            }

            bool[] results = await Task.WhenAll(sources.Select((source, i) =>
                Queue(schema, source).TryEnqueueAsync(prediction, Feedback(prediction, GroundTruth.FromNumber(i))).AsTask()));

            Assert.Equal(1, results.Count(r => r));
            QueuedFeedback queued = Assert.Single(await Queue(schema, schema.DataSource).ReadPendingAsync(10));
            Assert.Equal(Array.IndexOf(results, true), (int)queued.Feedback.Actual.Number);
        }
        finally
        {
            foreach (NpgsqlDataSource source in sources)
            {
                await source.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task CompleteAsync_JoinedPairs_AreNeverReadAgainAndTheirIdsStayClaimed()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        PostgresFleetFeedbackQueue queue = Queue(schema, schema.DataSource);
        PredictionRecord[] predictions = [.. Enumerable.Range(0, 5).Select(i => Prediction(i, double.NaN, null, null))];
        foreach (PredictionRecord prediction in predictions)
        {
            Assert.True(await queue.TryEnqueueAsync(prediction, Feedback(prediction, GroundTruth.FromNumber(1))));
        }

        IReadOnlyList<QueuedFeedback> first = await queue.ReadPendingAsync(3);
        await queue.CompleteAsync([.. first.Select(q => q.Position)]);
        await queue.CompleteAsync([]);

        IReadOnlyList<QueuedFeedback> rest = await queue.ReadPendingAsync(10);
        Assert.Equal(predictions[3..], rest.Select(q => q.Prediction));
        Assert.False(await queue.TryEnqueueAsync(predictions[4], Feedback(predictions[4], GroundTruth.FromNumber(2))));
    }

    private static PostgresFleetFeedbackQueue Queue(TestSchema schema, NpgsqlDataSource source) =>
        new(source, new PostgresRegistryOptions { ConnectionString = schema.ConnectionString, Schema = schema.Name }, NullLogger.Instance);

    private static PredictionRecord Prediction(double value, double score, string? label, string? segment) =>
        new(PredictionId.NewId(), ModelName.Parse("house"), new ModelVersion(3), "primary", At, value, score, label, segment);

    private static FeedbackRecord Feedback(PredictionRecord prediction, GroundTruth actual) =>
        new(prediction.PredictionId, actual, At.AddMinutes(5));
}
