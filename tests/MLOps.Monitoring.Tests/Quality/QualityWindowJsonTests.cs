using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Monitoring.Tests.Quality.Support;

namespace MLOps.Monitoring.Tests.Quality;

/// <summary>The JSON of a window, as the fleet's published windows are stored and read back by followers.</summary>
public sealed class QualityWindowJsonTests
{
    [Fact]
    public void ToJson_WindowWithSegmentsAndUndefinedMetrics_FromJsonGivesBackEveryFieldExactly()
    {
        using var harness = new QualityHarness(q => q.Regression(o => o.Value).SegmentBy(i => i.Region, minimumSegmentSize: 1).Window(6));
        var published = new List<QualityWindow>();
        harness.Monitor.Subscribe(published.Add);
        string[] regions = ["north", "south", "north", "east", "north", "south"];
        for (int i = 0; i < regions.Length; i++)
        {
            PredictionId id = harness.PredictValue(i / 3.0, regions[i]);
            Assert.Equal(FeedbackOutcome.Joined, harness.Feedback(id, GroundTruth.FromNumber(i == 3 ? 1 : (i * 0.7) + 0.1)).Outcome);
        }

        QualityWindow window = Assert.Single(published);
        Assert.NotEmpty(window.Segments);
        Assert.NotEmpty(window.UndefinedMetrics.Concat(window.Segments.SelectMany(s => s.UndefinedMetrics)));

        QualityWindow read = QualityWindow.FromJson(window.ToJson());

        Assert.Equal(
            (window.ModelName, window.ModelVersion, window.Variant, window.Task, window.Start, window.End, window.IsClosed, window.Count, window.Skipped, window.LateFeedback),
            (read.ModelName, read.ModelVersion, read.Variant, read.Task, read.Start, read.End, read.IsClosed, read.Count, read.Skipped, read.LateFeedback));
        Assert.Equal(window.Metrics, read.Metrics);   // exact: round-trip doubles
        Assert.Equal(window.UndefinedMetrics, read.UndefinedMetrics);
        Assert.Equal(window.SegmentRatios, read.SegmentRatios);
        Assert.Equal(
            window.Segments.Select(s => (s.Segment, s.Count, string.Join(",", s.Metrics.OrderBy(m => m.Key).Select(m => $"{m.Key}={m.Value:R}")), string.Join(",", s.UndefinedMetrics.Keys.Order()))),
            read.Segments.Select(s => (s.Segment, s.Count, string.Join(",", s.Metrics.OrderBy(m => m.Key).Select(m => $"{m.Key}={m.Value:R}")), string.Join(",", s.UndefinedMetrics.Keys.Order()))));
        Assert.Equal(window.ToJson(), read.ToJson());
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{\"modelName\":\"house\"}")]
    [InlineData("{\"modelName\":\"house\",\"modelVersion\":1,\"variant\":\"primary\",\"task\":\"Ranking\"}")]
    public void FromJson_NotAWindow_InvalidDataException(string json) =>
        Assert.Throws<InvalidDataException>(() => QualityWindow.FromJson(json));

    [Fact]
    public void FromJson_Null_ArgumentNullException() =>
        Assert.Throws<ArgumentNullException>(() => QualityWindow.FromJson(null!));
}
