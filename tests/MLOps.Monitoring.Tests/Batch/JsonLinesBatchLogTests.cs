using Microsoft.Extensions.Options;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Quality.Feedback;

namespace MLOps.Monitoring.Tests.Batch;

public class JsonLinesBatchLogTests
{
    private static JsonLinesPredictionLog Create(string dir, long maxFileSize = JsonLinesPredictionLogOptions.DefaultMaxFileSize) =>
        new(Options.Create(new JsonLinesPredictionLogOptions { Directory = dir, FlushToDisk = false, MaxFileSize = maxFileSize }));

    private static async Task<List<LoggedPrediction>> Read(JsonLinesPredictionLog log, DateTimeOffset from, DateTimeOffset to, ModelName? model = null)
    {
        var rows = new List<LoggedPrediction>();
        await foreach (LoggedPrediction row in log.ReadAsync(model ?? BatchRows.Model, from, to))
        {
            rows.Add(row);
        }

        return rows;
    }

    [Fact]
    public async Task ReadAsync_InputsWritten_RoundTripWithMissingValuesAndOldLinesReadWithoutInputs()
    {
        using var dir = new TempDirectory();
        using var log = Create(dir.Path);
        LoggedFeature[] inputs =
        [
            new("Income", FeatureKind.Numeric, 51.25, null),
            new("Age", FeatureKind.Numeric, double.NaN, null),
            new("Owner", FeatureKind.Boolean, 1, null),
            new("Married", FeatureKind.Boolean, double.NaN, null),
            new("City", FeatureKind.Categorical, double.NaN, "sa\"int-étienne"),
            new("Zip", FeatureKind.Categorical, double.NaN, null),
        ];
        PredictionRecord withInputs = BatchRows.Record(0, 1, null) with { Inputs = inputs };
        PredictionRecord without = BatchRows.Record(1, 1, null);
        await log.AppendAsync([withInputs, without]);
        // A line written before inputs existed (the old format) still reads.
        string file = Directory.GetFiles(dir.Path, "predictions-*.jsonl").Single();
        await File.AppendAllTextAsync(file, $"{{\"id\":\"{PredictionId.NewId():N}\",\"model\":\"loan\",\"version\":1,\"variant\":\"primary\",\"ts\":\"2026-05-01T00:00:02+00:00\",\"value\":2}}\n");

        List<LoggedPrediction> rows = await Read(log, BatchRows.T0, BatchRows.T0.AddHours(1));

        Assert.Equal(3, rows.Count);
        Assert.Equal(inputs, rows[0].Prediction.Inputs!);
        Assert.Equal(withInputs with { Inputs = null }, rows[0].Prediction with { Inputs = null });
        Assert.Null(rows[1].Prediction.Inputs);
        Assert.Null(rows[2].Prediction.Inputs);
        Assert.Equal(2, rows[2].Prediction.PredictedValue);
        Assert.All(rows, r => Assert.Null(r.Actual));
    }

    [Fact]
    public async Task ReadAsync_SeveralFilesModelsAndTimes_StreamsOnlyTheModelInRangeOldestFirst()
    {
        using var dir = new TempDirectory();
        using var log = Create(dir.Path, maxFileSize: 4096);
        var other = ModelName.Parse("other");
        for (int batch = 0; batch < 20; batch++)
        {
            var records = new List<PredictionRecord>();
            for (int i = 0; i < 10; i++)
            {
                int n = (batch * 10) + i;
                records.Add(BatchRows.Record(n, 1, BatchRows.Inputs(1, n)[0]));
                records.Add(BatchRows.Record(n, 1, null) with { ModelName = other });
            }

            await log.AppendAsync(records);
        }

        Assert.True(Directory.GetFiles(dir.Path, "predictions-*.jsonl").Length > 3);
        List<LoggedPrediction> rows = await Read(log, BatchRows.T0.AddSeconds(50), BatchRows.T0.AddSeconds(150));

        Assert.Equal(Enumerable.Range(50, 100).Select(s => BatchRows.T0.AddSeconds(s)), rows.Select(r => r.Prediction.Timestamp));
        Assert.All(rows, r => Assert.Equal(BatchRows.Model, r.Prediction.ModelName));
        Assert.Empty(await Read(log, BatchRows.T0.AddSeconds(10), BatchRows.T0.AddSeconds(10)));
    }

    [Fact]
    public async Task TryAppendAsync_SecondFeedbackForAPrediction_LosesAlsoAfterReopenAndTheFirstIsJoined()
    {
        using var dir = new TempDirectory();
        PredictionRecord first = BatchRows.Record(0, 1, null), second = BatchRows.Record(1, 1, null), third = BatchRows.Record(2, 1, null);
        using (var log = Create(dir.Path))
        {
            await log.AppendAsync([first, second, third]);
            Assert.True(await log.TryAppendAsync(new FeedbackRecord(first.PredictionId, 1.5, BatchRows.T0)));
            Assert.False(await log.TryAppendAsync(new FeedbackRecord(first.PredictionId, 9.0, BatchRows.T0)));
            Assert.True(await log.TryAppendAsync(new FeedbackRecord(second.PredictionId, "yes", BatchRows.T0)));
        }

        using var reopened = Create(dir.Path);
        Assert.False(await reopened.TryAppendAsync(new FeedbackRecord(second.PredictionId, "no", BatchRows.T0)));
        Assert.True(await reopened.TryAppendAsync(new FeedbackRecord(third.PredictionId, true, BatchRows.T0)));
        await Assert.ThrowsAsync<ArgumentException>(async () => await reopened.TryAppendAsync(new FeedbackRecord(default, 1.0, BatchRows.T0)));

        List<LoggedPrediction> rows = await Read(reopened, BatchRows.T0, BatchRows.T0.AddHours(1));

        Assert.Equal([GroundTruth.FromNumber(1.5), GroundTruth.FromLabel("yes"), GroundTruth.FromBoolean(true)], rows.Select(r => r.Actual!.Value));
    }

    [Fact]
    public async Task TryAppendAsync_ConcurrentFeedbackForOnePrediction_ExactlyOneWins()
    {
        using var dir = new TempDirectory();
        using var log = Create(dir.Path);
        PredictionId id = PredictionId.NewId();

        bool[] won = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(async () => await log.TryAppendAsync(new FeedbackRecord(id, i, BatchRows.T0)))));

        Assert.Single(won, w => w);
        Assert.Single(File.ReadAllLines(Directory.GetFiles(dir.Path, "feedback-*.jsonl").Single()));
    }
}
