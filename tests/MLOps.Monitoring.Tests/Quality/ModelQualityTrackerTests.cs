using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Quality.Internal;

namespace MLOps.Monitoring.Tests.Quality;

public class ModelQualityTrackerTests
{
    private static readonly ModelVersion V1 = new(1);
    private static readonly ModelVersion V2 = new(2);

    [Fact]
    public void Join_TwoVersionsAndVariants_KeepsSeparateWindows()
    {
        ModelQualityTracker tracker = Create(QualityTask.Regression, windowSize: 2);
        var closed = new List<QualityWindow>();
        using IDisposable subscription = tracker.EventsForTest.Subscribe(closed.Add);

        tracker.Join(V1, "primary", 1, double.NaN, null, null, 2, null);
        tracker.Join(V2, "primary", 1, double.NaN, null, null, 4, null);
        tracker.Join(V1, "canary", 1, double.NaN, null, null, 1, null);
        tracker.Join(V1, "primary", 1, double.NaN, null, null, 0, null);

        QualityWindow window = Assert.Single(closed);
        Assert.Equal((V1, "primary", 2L), (window.ModelVersion, window.Variant, window.Count));
        Assert.Equal(1.0, window.Metrics[QualityMetricNames.Mae]);
        ModelQualityReport report = tracker.GetLatest();
        Assert.Equal([(2, "primary"), (1, "canary")], report.Current.Select(w => (w.ModelVersion.Number, w.Variant)).ToArray());
        Assert.Equal(3.0, report.Current[0].Metrics[QualityMetricNames.Mae]);
    }

    [Fact]
    public void Join_NonFinitePrediction_IsSkippedAndCounted()
    {
        ModelQualityTracker tracker = Create(QualityTask.Regression, windowSize: 10);

        tracker.Join(V1, "primary", double.NaN, double.NaN, null, null, 2, null);
        tracker.Join(V1, "primary", double.PositiveInfinity, double.NaN, null, null, 2, null);
        tracker.Join(V1, "primary", 1, double.NaN, null, null, 2, null);

        QualityWindow current = Assert.Single(tracker.GetLatest().Current);
        Assert.Equal((1L, 2L), (current.Count, current.Skipped));
        Assert.Equal(1.0, current.Metrics[QualityMetricNames.Mae]);
        Assert.False(current.Metrics.ContainsKey(QualityMetricNames.R2));   // undefined for one pair
    }

    [Fact]
    public void Join_MulticlassLabels_ComputesAccuracyAndF1()
    {
        ModelQualityTracker tracker = Create(QualityTask.MulticlassClassification, windowSize: 4);
        var closed = new List<QualityWindow>();
        using IDisposable subscription = tracker.EventsForTest.Subscribe(closed.Add);
        string[] predicted = ["cat", "dog", "dog", "bird"];
        string[] actual = ["cat", "dog", "cat", "bird"];

        for (int i = 0; i < 4; i++)
        {
            Assert.Null(tracker.TryConvert(GroundTruth.FromLabel(actual[i]), out _, out string? label));
            tracker.Join(V1, "primary", double.NaN, double.NaN, predicted[i], null, double.NaN, label);
        }

        QualityWindow window = Assert.Single(closed);
        Assert.Equal(0.75, window.Metrics[QualityMetricNames.Accuracy]);
        Assert.Equal(QualityMetrics.MacroF1Score<string>(actual, predicted), window.Metrics[QualityMetricNames.MacroF1], 15);
        Assert.Equal(0.75, window.Metrics[QualityMetricNames.MicroF1], 15);
    }

    [Fact]
    public void Join_BinaryWindowWithOneClass_LeavesOutRocAuc()
    {
        ModelQualityTracker tracker = Create(QualityTask.BinaryClassification, windowSize: 3, hasScore: true);

        tracker.Join(V1, "primary", 1, 0.9, null, null, 1, null);
        tracker.Join(V1, "primary", 0, 0.2, null, null, 1, null);

        QualityWindow current = Assert.Single(tracker.GetLatest().Current);
        Assert.False(current.Metrics.ContainsKey(QualityMetricNames.RocAuc));
        Assert.Equal(0.5, current.Metrics[QualityMetricNames.Recall]);
        Assert.True(current.Metrics.ContainsKey(QualityMetricNames.LogLoss));
    }

    [Fact]
    public void Segments_MoreThanMax_MergesSmallestIntoOtherAndComputesRatioOverQualifying()
    {
        ModelQualityTracker tracker = Create(QualityTask.BinaryClassification, windowSize: 100, segments: (MaxSegments: 3, MinimumSize: 2));
        void Add(string segment, int correct, int wrong)
        {
            for (int i = 0; i < correct; i++)
            {
                tracker.Join(V1, "primary", 1, double.NaN, null, segment, 1, null);
            }

            for (int i = 0; i < wrong; i++)
            {
                tracker.Join(V1, "primary", 0, double.NaN, null, segment, 1, null);
            }
        }

        Add("a", 4, 0);   // accuracy 1
        Add("b", 1, 3);   // accuracy 0.25
        Add("c", 1, 0);
        Add("d", 0, 1);

        QualityWindow current = Assert.Single(tracker.GetLatest().Current);
        Assert.Equal(["a", "b", SegmentQuality.OtherSegments], current.Segments.Select(s => s.Segment).ToArray());
        Assert.Equal(2, current.Segments[2].Count);
        Assert.Equal(0.5, current.Segments[2].Metrics[QualityMetricNames.Accuracy]);
        Assert.Equal(0.25, current.SegmentRatios[QualityMetricNames.Accuracy], 15);   // worst/best = 0.25 / 1
    }

    [Fact]
    public void Subscribe_HandlerThrows_OtherHandlersRunAndFailureIsLogged()
    {
        var logs = new FakeLogCollector();
        var logger = new FakeLogger(logs);
        ModelQualityTracker tracker = Create(QualityTask.Regression, windowSize: 1, logger: logger);
        int calls = 0;
        using IDisposable failing = tracker.EventsForTest.Subscribe(_ => throw new InvalidOperationException("subscriber bug"));
        using IDisposable counting = tracker.EventsForTest.Subscribe(_ => calls++);

        tracker.Join(V1, "primary", 1, double.NaN, null, null, 1, null);

        Assert.Equal(1, calls);
        Assert.Contains(logs.GetSnapshot(), r => r.Id.Id == 351 && r.Exception is InvalidOperationException);
    }

    [Fact]
    public void History_MoreClosedWindowsThanKept_KeepsTheLast50OldestFirst()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero));
        ModelQualityTracker tracker = Create(QualityTask.Regression, windowSize: 1, time: time);

        for (int i = 0; i < 60; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            tracker.Join(i % 2 == 0 ? V1 : V2, "primary", i, double.NaN, null, null, 2 * i, null);   // mae = i
        }

        ModelQualityReport report = tracker.GetLatest();
        Assert.Equal(QualityLimits.HistoryLength, report.History.Count);
        Assert.All(report.History, w => Assert.True(w.IsClosed));
        // Windows 10..59 survive, oldest first.
        Assert.Equal(Enumerable.Range(10, 50).Select(i => (double)i), report.History.Select(w => w.Metrics[QualityMetricNames.Mae]));
        Assert.True(report.History.Zip(report.History.Skip(1)).All(p => p.First.End < p.Second.End));
        Assert.Equal([2, 1], report.Closed.Select(w => w.ModelVersion.Number).ToArray());
        Assert.Same(report.History[^1], report.Closed[0]);
        Assert.Same(report.History[^2], report.Closed[1]);
    }

    [Fact]
    public async Task History_ConcurrentJoinsAndReads_StaysBoundedAndConsistent()
    {
        ModelQualityTracker tracker = Create(QualityTask.Regression, windowSize: 1);
        using var done = new CancellationTokenSource();
        Task reader = Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
            {
                ModelQualityReport report = tracker.GetLatest();
                Assert.InRange(report.History.Count, 0, QualityLimits.HistoryLength);
                Assert.All(report.History, w => Assert.True(w.IsClosed));
            }
        });

        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < 500; i++)
            {
                tracker.Join(new ModelVersion(t + 1), "primary", 1, double.NaN, null, null, 2, null);
            }
        })));
        await done.CancelAsync();
        await reader;

        ModelQualityReport final = tracker.GetLatest();
        Assert.Equal(QualityLimits.HistoryLength, final.History.Count);
        Assert.Equal(QualityLimits.HistoryLength, final.History.Distinct().Count());
        Assert.Equal(4, final.Closed.Count);
    }

    [Fact]
    public void History_TimeWindowsClosedByOneSweep_AreOrderedByEnd()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero));
        ModelQualityTracker tracker = Create(QualityTask.Regression, windowSize: 1, time: time, duration: TimeSpan.FromMinutes(1));

        tracker.Join(V1, "primary", 1, double.NaN, null, null, 2, null);   // [0:00, 0:01)
        time.Advance(TimeSpan.FromMinutes(1));
        tracker.Join(V2, "canary", 1, double.NaN, null, null, 3, null);    // [0:01, 0:02); v1 closes now
        time.Advance(TimeSpan.FromSeconds(30));
        tracker.Join(V1, "primary", 1, double.NaN, null, null, 4, null);   // [0:01, 0:02)
        tracker.Join(V2, "primary", 1, double.NaN, null, null, 5, null);   // [0:01, 0:02)
        time.Advance(TimeSpan.FromMinutes(5));

        ModelQualityReport report = tracker.GetLatest();   // closes the three windows of [0:01, 0:02) in one sweep

        Assert.Empty(report.Current);
        Assert.Equal(
            [(1, "primary", 1.0), (2, "canary", 2.0), (2, "primary", 4.0), (1, "primary", 3.0)],
            report.History.Select(w => (w.ModelVersion.Number, w.Variant, w.Metrics[QualityMetricNames.Mae])).ToArray());
        Assert.Equal(
            [new DateTimeOffset(2031, 1, 1, 0, 1, 0, TimeSpan.Zero), new DateTimeOffset(2031, 1, 1, 0, 2, 0, TimeSpan.Zero), new DateTimeOffset(2031, 1, 1, 0, 2, 0, TimeSpan.Zero), new DateTimeOffset(2031, 1, 1, 0, 2, 0, TimeSpan.Zero)],
            report.History.Select(w => w.End).ToArray());
    }

    private static ModelQualityTracker Create(
        QualityTask task,
        int windowSize,
        bool hasScore = false,
        (int MaxSegments, int MinimumSize)? segments = null,
        FakeLogger? logger = null,
        FakeTimeProvider? time = null,
        TimeSpan? duration = null)
    {
        var settings = new QualitySettings(
            "m", task, hasScore, segments is not null, windowSize, duration, 100, TimeSpan.FromHours(1),
            segments?.MaxSegments ?? 20, segments?.MinimumSize ?? 30);
        var events = new QualityEvents((Microsoft.Extensions.Logging.ILogger?)logger ?? NullLogger.Instance);
        return new ModelQualityTracker(settings, time ?? new FakeTimeProvider(), events, NullLogger.Instance);
    }
}
