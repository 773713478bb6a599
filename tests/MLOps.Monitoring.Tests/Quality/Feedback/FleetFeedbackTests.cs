using Microsoft.Extensions.Logging.Abstractions;
using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Monitoring.Quality.Internal;
using MLOps.Monitoring.Tests.Quality.Support;

namespace MLOps.Monitoring.Tests.Quality.Feedback;

/// <summary>
/// Fleet mode in one process: three replicas (harnesses) share one in-memory store (prediction log, feedback log and
/// queue); feedback reaches any replica, and only the leader's <see cref="FleetFeedbackJoiner"/> joins it. The
/// multi-process version on PostgreSQL is in MLOps.Registry.Tests (MultiProcessFleetQualityTests).
/// </summary>
public sealed class FleetFeedbackTests : IDisposable
{
    private const int WindowSize = 10;
    private readonly InMemoryFleetStore _store = new();
    private readonly QualityHarness[] _replicas;
    private readonly SwitchableLeader[] _leaders = [new(true), new(false), new(false)];
    private readonly FleetFeedbackJoiner[] _joiners;
    private readonly List<QualityWindow>[] _published = [[], [], []];

    public FleetFeedbackTests()
    {
        _replicas = [.. Enumerable.Range(0, 3).Select(_ => new QualityHarness(q => q.Regression(o => o.Value).Window(WindowSize), _store, _store, _store))];
        _joiners = [.. Enumerable.Range(0, 3).Select(i => new FleetFeedbackJoiner(_replicas[i].Monitor, _store, _leaders[i], _replicas[i].Time, NullLogger.Instance))];
        for (int i = 0; i < 3; i++)
        {
            _replicas[i].Monitor.Subscribe(_published[i].Add);
        }
    }

    public void Dispose()
    {
        foreach (QualityHarness replica in _replicas)
        {
            replica.Dispose();
        }
    }

    [Fact]
    public async Task RecordAsync_FeedbackAtRandomReplicas_AllJoinedOnceByTheLeaderAndWindowsEqualASingleProcess()
    {
        var random = new Random(12);
        using var single = new QualityHarness(q => q.Regression(o => o.Value).Window(WindowSize));
        var singlePublished = new List<QualityWindow>();
        single.Monitor.Subscribe(singlePublished.Add);

        for (int i = 0; i < 65; i++)
        {
            double predicted = random.NextDouble() * 100;
            double actual = predicted + ((random.NextDouble() - 0.5) * 20);
            QualityHarness predicting = _replicas[random.Next(3)];
            PredictionId id = predicting.PredictValue(predicted);
            await predicting.Writer.DrainAsync();
            FeedbackResult result = await _replicas[random.Next(3)].Sink.RecordAsync(id, GroundTruth.FromNumber(actual));
            Assert.Equal(FeedbackOutcome.Joined, result.Outcome);
            Assert.Equal(FeedbackOutcome.Joined, single.Feedback(single.PredictValue(predicted), GroundTruth.FromNumber(actual)).Outcome);
        }

        Assert.Empty(_published[0]);   // nothing is joined on receipt: the leader joins
        await _joiners[1].RunOnceAsync(CancellationToken.None);   // followers do nothing
        await _joiners[2].RunOnceAsync(CancellationToken.None);
        Assert.Equal(0, _store.CompletedCount);
        while (await _joiners[0].RunOnceAsync(CancellationToken.None))
        {
        }

        Assert.Equal(65, _store.CompletedCount);
        Assert.Empty(_published[1]);
        Assert.Empty(_published[2]);
        AssertSameWindows(singlePublished, _published[0]);
        Assert.Equal(6, _published[0].Count);
        Assert.Equal(65, _replicas[0].Report.JoinedFeedback);
        Assert.Equal(5L, Assert.Single(_replicas[0].Report.Current).Count);
    }

    [Fact]
    public async Task RecordAsync_SameFeedbackAtTwoReplicasAtOnce_ExactlyOneJoinedOneDuplicate()
    {
        PredictionId id = _replicas[0].PredictValue(3);
        await _replicas[0].Writer.DrainAsync();
        Task<FeedbackResult> first = _replicas[1].Sink.RecordAsync(id, GroundTruth.FromNumber(3)).AsTask();
        Task<FeedbackResult> second = _replicas[2].Sink.RecordAsync(id, GroundTruth.FromNumber(4)).AsTask();
        FeedbackResult[] results = await Task.WhenAll(first, second);

        Assert.Equal([FeedbackOutcome.Joined, FeedbackOutcome.Duplicate], results.Select(r => r.Outcome).Order());
        Assert.Equal(FeedbackOutcome.Duplicate, (await _replicas[0].Sink.RecordAsync(id, GroundTruth.FromNumber(5))).Outcome);
        Assert.Single(await _store.ReadPendingAsync(10));
    }

    [Fact]
    public async Task RecordAsync_IdKnownNowhere_UnknownPredictionAfterTheBoundedWait()
    {
        QualityHarness replica = _replicas[1];
        DateTimeOffset start = replica.Time.GetUtcNow();
        Task<FeedbackResult> pending = replica.Sink.RecordAsync(PredictionId.NewId(), GroundTruth.FromNumber(1)).AsTask();
        while (!pending.IsCompleted)
        {
            replica.Time.Advance(FeedbackSink.PredictionPollInterval);
            await Task.Delay(1);
        }

        Assert.Equal(FeedbackOutcome.UnknownPrediction, (await pending).Outcome);
        Assert.True(replica.Time.GetUtcNow() - start >= FeedbackSink.PredictionWait, "answered before the documented wait");
        Assert.Empty(await _store.ReadPendingAsync(10));
    }

    [Fact]
    public async Task RecordAsync_OtherReplicasPredictionWhileTheLogIsDown_StoreUnavailableNotUnknownPrediction()
    {
        // Regression: a prediction log that could not be read was taken for "no such prediction" (404), so a client
        // dropped feedback for a prediction that exists. It is a store outage: 503, send it again later.
        PredictionId id = _replicas[0].PredictValue(3);
        await _replicas[0].Writer.DrainAsync();   // in the shared log, not in replica 1's memory
        _store.FailFinds = true;
        QualityHarness replica = _replicas[1];
        Task<FeedbackResult> pending = replica.Sink.RecordAsync(id, GroundTruth.FromNumber(3)).AsTask();
        while (!pending.IsCompleted)
        {
            replica.Time.Advance(FeedbackSink.PredictionPollInterval);
            await Task.Delay(1);
        }

        await Assert.ThrowsAsync<FeedbackStoreUnavailableException>(() => pending);
        Assert.Empty(await _store.ReadPendingAsync(10));

        _store.FailFinds = false;   // the database is back: the same feedback is joined
        pending = replica.Sink.RecordAsync(id, GroundTruth.FromNumber(3)).AsTask();
        while (!pending.IsCompleted)
        {
            replica.Time.Advance(FeedbackSink.PredictionPollInterval);
            await Task.Delay(1);
        }

        Assert.Equal(FeedbackOutcome.Joined, (await pending).Outcome);
    }

    [Fact]
    public async Task RecordAsync_FeedbackBeforeThePredictionIsFlushed_WaitsForTheRowAndJoins()
    {
        PredictionId id = _replicas[0].PredictValue(3);   // still in replica 0's writer queue
        Task<FeedbackResult> pending = _replicas[1].Sink.RecordAsync(id, GroundTruth.FromNumber(3)).AsTask();
        await Task.Delay(10);
        Assert.False(pending.IsCompleted);

        await _replicas[0].Writer.DrainAsync();
        while (!pending.IsCompleted)
        {
            _replicas[1].Time.Advance(FeedbackSink.PredictionPollInterval);
            await Task.Delay(1);
        }

        Assert.Equal(FeedbackOutcome.Joined, (await pending).Outcome);
        Assert.Single(await _store.ReadPendingAsync(10));
    }

    [Fact]
    public async Task RecordAsync_InvalidValueOrRefusedPrediction_InvalidAndOnlyTheRefusedOneIsQueuedAsSkipped()
    {
        PredictionId good = _replicas[0].PredictValue(3);
        PredictionId refused = _replicas[0].PredictValue(double.NaN);
        await _replicas[0].Writer.DrainAsync();

        Assert.Equal(FeedbackOutcome.Invalid, (await _replicas[1].Sink.RecordAsync(good, GroundTruth.FromBoolean(true))).Outcome);
        Assert.Equal(FeedbackOutcome.Invalid, (await _replicas[1].Sink.RecordAsync(refused, GroundTruth.FromNumber(1))).Outcome);
        Assert.Equal(FeedbackOutcome.Joined, (await _replicas[2].Sink.RecordAsync(good, GroundTruth.FromNumber(3))).Outcome);
        await _joiners[0].RunOnceAsync(CancellationToken.None);

        QualityWindow current = Assert.Single(_replicas[0].Report.Current);
        Assert.Equal((1L, 1L), (current.Count, current.Skipped));
    }

    [Fact]
    public async Task RunOnceAsync_StoreFailsThenLeaderChanges_NoWindowPublishedTwiceAndNoPairLost()
    {
        var random = new Random(5);
        for (int i = 0; i < 25; i++)
        {
            PredictionId id = _replicas[0].PredictValue(i);
            await _replicas[0].Writer.DrainAsync();
            Assert.Equal(FeedbackOutcome.Joined, (await _replicas[random.Next(3)].Sink.RecordAsync(id, GroundTruth.FromNumber(i + 1))).Outcome);
        }

        // The leader joins the batch (closing two windows) but cannot record it: nothing is published.
        _store.FailCompletes = 1;
        await Assert.ThrowsAsync<InvalidOperationException>(() => _joiners[0].RunOnceAsync(CancellationToken.None));
        Assert.Empty(_published[0]);

        // It steps down before recording; replica 1 leads and joins the same pairs again.
        _leaders[0].IsLeader = false;
        Assert.False(await _joiners[0].RunOnceAsync(CancellationToken.None));
        _leaders[1].IsLeader = true;
        Assert.False(await _joiners[1].RunOnceAsync(CancellationToken.None));

        Assert.Empty(_published[0]);
        Assert.Equal(2, _published[1].Count);
        Assert.Equal(25, _store.CompletedCount);
        Assert.Equal(20L, _published[1].Sum(w => w.Count));
        Assert.Equal(5L, Assert.Single(_replicas[1].Report.Current).Count);
    }

    [Fact]
    public async Task RunOnceAsync_RecordFailsOnce_RetriedAndPublishedOnce()
    {
        for (int i = 0; i < 10; i++)
        {
            PredictionId id = _replicas[1].PredictValue(i);
            await _replicas[1].Writer.DrainAsync();
            await _replicas[2].Sink.RecordAsync(id, GroundTruth.FromNumber(i));
        }

        _store.FailCompletes = 1;
        await Assert.ThrowsAsync<InvalidOperationException>(() => _joiners[0].RunOnceAsync(CancellationToken.None));
        Assert.Empty(_published[0]);
        Assert.False(await _joiners[0].RunOnceAsync(CancellationToken.None));
        Assert.False(await _joiners[0].RunOnceAsync(CancellationToken.None));

        QualityWindow window = Assert.Single(_published[0]);
        Assert.Equal(10L, window.Count);
        Assert.Equal(10, _replicas[0].Report.JoinedFeedback);
    }

    private static void AssertSameWindows(List<QualityWindow> expected, List<QualityWindow> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal((expected[i].Count, expected[i].Skipped, expected[i].LateFeedback), (actual[i].Count, actual[i].Skipped, actual[i].LateFeedback));
            Assert.Equal(expected[i].Metrics.Keys.Order(), actual[i].Metrics.Keys.Order());
            foreach ((string name, double value) in expected[i].Metrics)
            {
                Assert.Equal(value, actual[i].Metrics[name], 1e-12);
            }
        }
    }
}
