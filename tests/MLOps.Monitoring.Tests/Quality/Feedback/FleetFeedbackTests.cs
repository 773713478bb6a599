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
        await _joiners[1].RunOnceAsync(CancellationToken.None);   // followers join nothing
        await _joiners[2].RunOnceAsync(CancellationToken.None);
        Assert.Equal(65, _store.QueuedCount);
        while (await _joiners[0].RunOnceAsync(CancellationToken.None))
        {
        }

        Assert.Equal(5, _store.QueuedCount);   // the open window's pairs stay queued until it is published
        Assert.Equal(6, _store.Published.Count);
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
        Assert.Single(await _store.ReadAsync(Guid.NewGuid(), includeOtherJoiners: true, 10));
    }

    [Fact]
    public async Task RecordAsync_FeedbackStoredButThePairNeverQueued_ARepeatOnAnyReplicaQueuesItOnceWithTheValueThatWon()
    {
        // Regression: the two claim writes (feedback, then the queue) were not retried as one. A failure between them
        // left feedback on record that no window counted, and every resend was answered Duplicate and queued nothing.
        PredictionId id = _replicas[0].PredictValue(3);
        await _replicas[0].Writer.DrainAsync();
        _store.FailEnqueues = 1;
        await Assert.ThrowsAsync<FeedbackStoreUnavailableException>(() => _replicas[1].Sink.RecordAsync(id, GroundTruth.FromNumber(3)).AsTask());
        Assert.Empty(await _store.ReadAsync(Guid.NewGuid(), includeOtherJoiners: true, 10));

        FeedbackResult repeat = await _replicas[2].Sink.RecordAsync(id, GroundTruth.FromNumber(5));   // another replica, another value
        FeedbackResult again = await _replicas[1].Sink.RecordAsync(id, GroundTruth.FromNumber(3));

        Assert.Equal(FeedbackOutcome.Duplicate, repeat.Outcome);   // feedback was on record: the first attempt's
        Assert.Equal(FeedbackOutcome.Duplicate, again.Outcome);
        QueuedFeedback queued = Assert.Single(await _store.ReadAsync(Guid.NewGuid(), includeOtherJoiners: true, 10));
        Assert.Equal(3, queued.Feedback.Actual.Number);   // the value that won, not the repeat's
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
        Assert.Empty(await _store.ReadAsync(Guid.NewGuid(), includeOtherJoiners: true, 10));
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
        Assert.Empty(await _store.ReadAsync(Guid.NewGuid(), includeOtherJoiners: true, 10));

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
        Assert.Single(await _store.ReadAsync(Guid.NewGuid(), includeOtherJoiners: true, 10));
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
    public async Task RunOnceAsync_WindowCloses_ItsRowsAreDeletedExactlyWhenItIsPublished()
    {
        await FeedAsync(9, first: 0);
        await _joiners[0].RunOnceAsync(CancellationToken.None);
        Guid term = Assert.NotNull(_joiners[0].Term);
        Assert.Equal(Enumerable.Repeat<Guid?>(term, 9), _store.Holders);   // joined, claimed, still queued
        Assert.Empty(_store.Published);

        await FeedAsync(2, first: 9);
        await _joiners[0].RunOnceAsync(CancellationToken.None);

        QualityWindow published = Assert.Single(_store.Published);
        Assert.Equal(10L, published.Count);
        Assert.Equal([term], _store.Holders);   // the 11th pair is in the open window
        Assert.Same(Assert.Single(_published[0]), Assert.Single(_replicas[0].Report.Closed));
    }

    [Fact]
    public async Task RunOnceAsync_LeaderDiesMidWindowAndAnotherTakesOver_SameWindowsAsOneUninterruptedLeader()
    {
        // The reference: the same 35 pairs through one leader that never stops.
        var reference = new InMemoryFleetStore();
        using var single = new QualityHarness(q => q.Regression(o => o.Value).Window(WindowSize), reference, reference, reference);
        var singleJoiner = new FleetFeedbackJoiner(single.Monitor, reference, new SwitchableLeader(true), single.Time, NullLogger.Instance);
        var singlePublished = new List<QualityWindow>();
        single.Monitor.Subscribe(singlePublished.Add);
        (double Predicted, double Actual)[] stream = Stream(35, seed: 3);
        foreach ((double predicted, double actual) in stream)
        {
            PredictionId id = single.PredictValue(predicted);
            await single.Writer.DrainAsync();
            Assert.Equal(FeedbackOutcome.Joined, (await single.Sink.RecordAsync(id, GroundTruth.FromNumber(actual))).Outcome);
        }

        await singleJoiner.RunOnceAsync(CancellationToken.None);

        // The fleet: leader 0 joins 15 pairs (one window published, five in its open window) and dies (kill -9: no
        // release, no step-down); replica 1 is elected, sweeps leader 0's rows and joins the rest.
        for (int i = 0; i < stream.Length; i++)
        {
            if (i == 15)
            {
                await _joiners[0].RunOnceAsync(CancellationToken.None);
                Assert.Single(_published[0]);
                Assert.Equal(5, _store.QueuedCount);
                _leaders[1].IsLeader = true;   // replica 0 is gone; its joiner never runs again
            }

            PredictionId id = _replicas[2].PredictValue(stream[i].Predicted);
            await _replicas[2].Writer.DrainAsync();
            Assert.Equal(FeedbackOutcome.Joined, (await _replicas[2].Sink.RecordAsync(id, GroundTruth.FromNumber(stream[i].Actual))).Outcome);
        }

        await _joiners[1].RunOnceAsync(CancellationToken.None);

        AssertSameWindows(singlePublished, [.. _published[0], .. _published[1]]);
        AssertSameWindows(reference.Published.ToList(), _store.Published.ToList());
        Assert.Equal(3, _store.Published.Count);
        Assert.Equal(5, _store.QueuedCount);
        Assert.Equal(Enumerable.Repeat(_joiners[1].Term, 5), _store.Holders);
        Assert.Equal(5L, Assert.Single(_replicas[1].Report.Current).Count);
    }

    [Fact]
    public async Task RunOnceAsync_LeaderStepsDown_ReleasesItsRowsAndTheNextLeaderJoinsThemOnce()
    {
        await FeedAsync(15, first: 0);
        await _joiners[0].RunOnceAsync(CancellationToken.None);
        Assert.Equal(5, _store.QueuedCount);

        _leaders[0].IsLeader = false;
        Assert.False(await _joiners[0].RunOnceAsync(CancellationToken.None));
        Assert.Null(_joiners[0].Term);
        Assert.Equal(Enumerable.Repeat<Guid?>(null, 5), _store.Holders);   // released, not deleted
        Assert.Empty(_replicas[0].Report.Current);   // its open window is dropped

        _leaders[1].IsLeader = true;
        await FeedAsync(5, first: 15);
        await _joiners[1].RunOnceAsync(CancellationToken.None);

        Assert.Single(_published[0]);
        Assert.Single(_published[1]);
        Assert.Equal([10L, 10L], _store.Published.Select(w => w.Count));
        Assert.Equal(0, _store.QueuedCount);
    }

    [Fact]
    public async Task RunOnceAsync_LeadershipLostAndRegainedBetweenTwoPasses_NewTermAndTheOldOpenWindowJoinedAgainOnce()
    {
        await FeedAsync(5, first: 0);
        await _joiners[0].RunOnceAsync(CancellationToken.None);
        Guid first = Assert.NotNull(_joiners[0].Term);

        _leaders[0].IsLeader = false;   // another replica may have led (and joined these rows) meanwhile
        _leaders[0].IsLeader = true;
        await FeedAsync(5, first: 5);
        await _joiners[0].RunOnceAsync(CancellationToken.None);

        Assert.NotEqual(first, _joiners[0].Term);
        QualityWindow window = Assert.Single(_store.Published);
        Assert.Equal(10L, window.Count);
        Assert.Equal(0, _store.QueuedCount);
        Assert.Empty(_replicas[0].Report.Current);
    }

    [Fact]
    public async Task RunOnceAsync_TwoLeadersAtOnce_EachPairInExactlyOnePublishedWindow()
    {
        // Leadership is a hint, not a fence: replica 0 still believes it leads when replica 1 is elected.
        await FeedAsync(6, first: 0);
        await _joiners[0].RunOnceAsync(CancellationToken.None);
        _leaders[1].IsLeader = true;
        await _joiners[1].RunOnceAsync(CancellationToken.None);   // its first pass sweeps replica 0's six rows
        Assert.Equal(Enumerable.Repeat(_joiners[1].Term, 6), _store.Holders);

        await FeedAsync(14, first: 6);
        await _joiners[0].RunOnceAsync(CancellationToken.None);   // its window would hold stolen rows: dropped, rows released
        await _joiners[1].RunOnceAsync(CancellationToken.None);
        await _joiners[0].RunOnceAsync(CancellationToken.None);
        await _joiners[1].RunOnceAsync(CancellationToken.None);

        IReadOnlyList<QualityWindow> published = _store.Published;
        Assert.Equal(20L, published.Sum(w => w.Count) + _replicas[0].Report.Current.Sum(w => w.Count) + _replicas[1].Report.Current.Sum(w => w.Count));
        Assert.Equal(_store.QueuedCount, _replicas[0].Report.Current.Sum(w => w.Count) + _replicas[1].Report.Current.Sum(w => w.Count));
        Assert.Equal(published.Count, _published[0].Count + _published[1].Count);
        Assert.NotEmpty(_published[1]);
    }

    [Fact]
    public async Task RunOnceAsync_PublishFailsThenSucceeds_RetriedAndToldToSubscribersOnce()
    {
        await FeedAsync(10, first: 0);
        _store.FailPublishes = 1;
        await Assert.ThrowsAsync<InvalidOperationException>(() => _joiners[0].RunOnceAsync(CancellationToken.None));
        Assert.Empty(_published[0]);
        Assert.Equal(1, _joiners[0].PendingWindows);
        Assert.Equal(10, _store.QueuedCount);

        Assert.False(await _joiners[0].RunOnceAsync(CancellationToken.None));
        Assert.False(await _joiners[0].RunOnceAsync(CancellationToken.None));

        QualityWindow window = Assert.Single(_published[0]);
        Assert.Equal(10L, window.Count);
        Assert.Single(_store.Published);
        Assert.Equal(0, _store.QueuedCount);
        Assert.Equal(10, _replicas[0].Report.JoinedFeedback);
    }

    [Fact]
    public async Task RunOnceAsync_CommitAnswerLost_RetryRecognisesTheWindowAndPublishesItOnce()
    {
        await FeedAsync(10, first: 0);
        _store.LoseCommitAnswers = 1;
        await Assert.ThrowsAsync<InvalidOperationException>(() => _joiners[0].RunOnceAsync(CancellationToken.None));
        Assert.Empty(_published[0]);

        await _joiners[0].RunOnceAsync(CancellationToken.None);

        Assert.Single(_published[0]);
        Assert.Single(_store.Published);
        Assert.Equal(0, _store.QueuedCount);
    }

    [Fact]
    public async Task RunOnceAsync_OnAFollower_ServesTheFleetsPublishedWindowsAndKeepsThemWhenTheStoreIsDown()
    {
        await FeedAsync(25, first: 0);
        await _joiners[0].RunOnceAsync(CancellationToken.None);
        Assert.Empty(_replicas[1].Report.Closed);

        await _joiners[1].RunOnceAsync(CancellationToken.None);
        ModelQualityReport follower = _replicas[1].Report;
        ModelQualityReport leader = _replicas[0].Report;

        Assert.True(follower.IsFleetFollower);
        Assert.False(leader.IsFleetFollower);
        Assert.Empty(follower.Current);   // the open window lives on the leader only
        Assert.Equal(leader.History.Select(w => (w.Start, w.Count, w.Metrics["rmse"])), follower.History.Select(w => (w.Start, w.Count, w.Metrics["rmse"])));
        Assert.Equal(2, follower.History.Count);
        Assert.Equal(leader.Closed.Single().Metrics, Assert.Single(follower.Closed).Metrics);
        Assert.Empty(_published[1]);   // served, not raised: subscribers hear of a window once, on the leader
        Assert.Contains("only on the leader", follower.ToHtml(), StringComparison.Ordinal);

        _store.FailReads = 1;
        await _joiners[1].RunOnceAsync(CancellationToken.None);
        Assert.Equal(2, _replicas[1].Report.History.Count);
    }

    [Fact]
    public async Task RunOnceAsync_ModelThisReplicaDoesNotMonitor_RowDeletedAtOnce()
    {
        var other = new PredictionRecord(PredictionId.NewId(), ModelName.Parse("other"), new ModelVersion(1), "primary", _replicas[0].Time.GetUtcNow(), 1, double.NaN, null, null);
        Assert.True(await _store.TryEnqueueAsync(other, new FeedbackRecord(other.PredictionId, GroundTruth.FromNumber(1), _replicas[0].Time.GetUtcNow())));

        await _joiners[0].RunOnceAsync(CancellationToken.None);

        Assert.Equal(0, _store.QueuedCount);
        Assert.Empty(_store.Published);
    }

    [Fact]
    public async Task RunOnceAsync_TimeWindowOverWithoutNewFeedback_PublishedOnTheNextPass()
    {
        var store = new InMemoryFleetStore();
        using var replica = new QualityHarness(q => q.Regression(o => o.Value).Window(TimeSpan.FromMinutes(1)), store, store, store);
        var joiner = new FleetFeedbackJoiner(replica.Monitor, store, new SwitchableLeader(true), replica.Time, NullLogger.Instance);
        var published = new List<QualityWindow>();
        replica.Monitor.Subscribe(published.Add);
        for (int i = 0; i < 3; i++)
        {
            PredictionId id = replica.PredictValue(i);
            await replica.Writer.DrainAsync();
            await replica.Sink.RecordAsync(id, GroundTruth.FromNumber(i + 1));
        }

        await joiner.RunOnceAsync(CancellationToken.None);
        replica.Time.Advance(TimeSpan.FromMinutes(1));
        replica.Tracker.CloseDueWindows();   // the background sweep: closed, not yet published
        Assert.Empty(published);
        Assert.Equal(3, store.QueuedCount);

        await joiner.RunOnceAsync(CancellationToken.None);

        Assert.Equal(3L, Assert.Single(published).Count);
        Assert.Equal(0, store.QueuedCount);
    }

    private async Task FeedAsync(int count, int first)
    {
        for (int i = first; i < first + count; i++)
        {
            PredictionId id = _replicas[2].PredictValue(i);
            await _replicas[2].Writer.DrainAsync();
            Assert.Equal(FeedbackOutcome.Joined, (await _replicas[2].Sink.RecordAsync(id, GroundTruth.FromNumber(i + 1 + (i % 3)))).Outcome);
        }
    }

    private static (double Predicted, double Actual)[] Stream(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            double predicted = random.NextDouble() * 100;
            return (predicted, predicted + ((random.NextDouble() - 0.5) * 20));
        })];
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
