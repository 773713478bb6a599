using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MLOps.Monitoring.Quality.Feedback;

namespace MLOps.Monitoring.Quality.Internal;

/// <summary>
/// Fleet mode. On the leader, every <see cref="PollInterval"/> (and at once while full batches come back): reads the
/// fleet's queued pairs in the store's order, claims them for this leadership term (a fresh id per term; a
/// compare-and-set in the store), joins only what it claimed (late and refused ones counted as a single process counts
/// them, each window remembering its pairs' positions), and publishes each window that closed in one store
/// transaction that also deletes its pairs, telling subscribers only after that commit. A pair therefore leaves the
/// queue exactly when the window it counts in is published: after a failover the next leader takes over the pairs of
/// the old term (a sweep right after the election and every <see cref="SweepInterval"/>) and joins them again. On a
/// follower: reads the fleet's published windows into the trackers, so every replica serves them.
/// </summary>
internal sealed class FleetFeedbackJoiner : BackgroundService
{
    internal static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(30);
    internal const int BatchSize = 1000;

    private readonly ModelQualityMonitor _monitor;
    private readonly IFleetFeedbackQueue? _queue;
    private readonly ILeaderElection? _leadership;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly IDisposable? _subscription;
    private readonly List<(ModelQualityTracker Tracker, ClosedWindow Window)> _pending = [];
    private readonly List<long> _orphans = [];
    private readonly List<long> _unreleased = [];
    private PeriodicTimer? _timer;
    private int _losses;
    private int _termLosses;
    private Guid? _term;
    private bool _sweeping;
    private DateTimeOffset _nextSweep;
    private bool _refreshFailing;

    public FleetFeedbackJoiner(ModelQualityMonitor monitor, IFleetFeedbackQueue? queue, ILeaderElection? leadership, TimeProvider timeProvider, ILogger logger)
    {
        _monitor = monitor;
        _queue = queue;
        _leadership = leadership;
        _timeProvider = timeProvider;
        _logger = logger;
        if (queue is null)
        {
            return;   // not in fleet mode: the feedback sink joins in process
        }

        foreach (ModelQualityTracker tracker in monitor.Trackers)
        {
            tracker.UseFleet();
        }

        monitor.FleetLeadership = leadership;

        // A step-down and a new election between two passes still end the term: the windows of the old one are dropped.
        _subscription = leadership?.Subscribe(leads =>
        {
            if (!leads)
            {
                Interlocked.Increment(ref _losses);
            }
        });
    }

    /// <summary>The current leadership term, or <see langword="null"/> when this replica does not lead.</summary>
    internal Guid? Term => _term;

    /// <summary>The closed windows waiting to be published (a store error keeps them here and retries).</summary>
    internal int PendingWindows => _pending.Count;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (_queue is null)
        {
            return Task.CompletedTask;
        }

        _timer = new PeriodicTimer(PollInterval, _timeProvider);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _subscription?.Dispose();
        _timer?.Dispose();
        base.Dispose();
    }

    public override Task StopAsync(CancellationToken cancellationToken) =>
        _queue is null ? Task.CompletedTask : base.StopAsync(cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _timer!.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    while (await RunOnceAsync(stoppingToken).ConfigureAwait(false))
                    {
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    Log.FleetJoinFailed(_logger, ex, _pending.Count);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping. The term's pairs stay queued; the next leader's sweep takes them over.
        }
    }

    /// <summary>Runs one pass; <see langword="true"/> when a full batch was read and more may be waiting.</summary>
    internal async Task<bool> RunOnceAsync(CancellationToken cancellationToken)
    {
        if (_queue is not { } queue)
        {
            return false;
        }

        bool leads = _leadership?.IsLeader ?? true;
        int losses = Volatile.Read(ref _losses);
        if (_term is { } ended && (!leads || losses != _termLosses))
        {
            await EndTermAsync(queue, ended, cancellationToken).ConfigureAwait(false);
        }

        if (!leads)
        {
            await RefreshAsync(queue, cancellationToken).ConfigureAwait(false);
            return false;
        }

        if (_term is null)
        {
            _term = Guid.NewGuid();
            _termLosses = losses;
            _sweeping = true;
            Log.FleetTermStarted(_logger, _term.Value);
            await RefreshAsync(queue, cancellationToken).ConfigureAwait(false);   // the fleet's history so far
        }

        Guid term = _term.Value;
        await FlushAsync(queue, term, cancellationToken).ConfigureAwait(false);

        DateTimeOffset now = _timeProvider.GetUtcNow();
        bool sweep = _sweeping || now >= _nextSweep;
        IReadOnlyList<QueuedFeedback> batch = await queue.ReadAsync(term, sweep, BatchSize, cancellationToken).ConfigureAwait(false);
        bool full = batch.Count == BatchSize;
        if (sweep)
        {
            // Sweeping (every pair not held by this term) until a short batch: then back to the unclaimed pairs only.
            _sweeping = full;
            _nextSweep = now + SweepInterval;
        }

        if (batch.Count == 0)
        {
            return false;
        }

        IReadOnlySet<long> claimed;
        try
        {
            claimed = await queue.ClaimAsync(term, batch, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Which pairs this term now holds is unknown: end it, so the next term's sweep takes all of them back.
            await EndTermAsync(queue, term, cancellationToken).ConfigureAwait(false);
            throw;
        }

        foreach (QueuedFeedback item in batch)
        {
            if (claimed.Contains(item.Position) && !Join(item))
            {
                _orphans.Add(item.Position);
            }
        }

        await FlushAsync(queue, term, cancellationToken).ConfigureAwait(false);
        return full;
    }

    /// <summary>Deletes claimed pairs that count in no window, releases those of dropped windows, and publishes the closed windows in order.</summary>
    private async Task FlushAsync(IFleetFeedbackQueue queue, Guid term, CancellationToken cancellationToken)
    {
        if (_orphans.Count > 0)
        {
            await queue.DeleteAsync(term, _orphans, cancellationToken).ConfigureAwait(false);
            _orphans.Clear();
        }

        if (_unreleased.Count > 0)
        {
            await queue.ReleaseAsync(term, _unreleased, cancellationToken).ConfigureAwait(false);
            _unreleased.Clear();
        }

        foreach (ModelQualityTracker tracker in _monitor.Trackers)
        {
            foreach (ClosedWindow closed in tracker.TakeClosed())
            {
                _pending.Add((tracker, closed));
            }
        }

        while (_pending.Count > 0)
        {
            (ModelQualityTracker tracker, ClosedWindow window) = _pending[0];

            // A store error throws here: the window stays first in line and is published on a later pass (its id makes a
            // retry after an unknown outcome harmless), and subscribers hear of it once, after the commit.
            bool published = await queue.TryPublishAsync(term, window.Id, window.Window, window.Positions, cancellationToken).ConfigureAwait(false);
            _pending.RemoveAt(0);
            if (published)
            {
                tracker.Publish(window);
            }
            else
            {
                Log.FleetWindowDropped(_logger, tracker.ModelName, window.Window.ModelVersion, window.Window.Variant, window.Positions.Length);
                _unreleased.AddRange(window.Positions);   // the pairs this term still holds go back to the queue
            }
        }

        if (_unreleased.Count > 0)
        {
            await queue.ReleaseAsync(term, _unreleased, cancellationToken).ConfigureAwait(false);
            _unreleased.Clear();
        }
    }

    /// <summary>Ends the term: drops its open and unpublished windows and gives its pairs back (best effort: the sweep covers a failure).</summary>
    private async Task EndTermAsync(IFleetFeedbackQueue queue, Guid term, CancellationToken cancellationToken)
    {
        int dropped = _pending.Count;
        foreach (ModelQualityTracker tracker in _monitor.Trackers)
        {
            dropped += tracker.DiscardOpen();
        }

        _pending.Clear();
        _orphans.Clear();
        _unreleased.Clear();
        _term = null;
        Log.FleetTermEnded(_logger, term, dropped);
        try
        {
            await queue.ReleaseAsync(term, null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.FleetReleaseFailed(_logger, ex, term);
        }
    }

    /// <summary>Reads the fleet's published windows into the trackers; on a store error the last ones read are kept.</summary>
    private async Task RefreshAsync(IFleetFeedbackQueue queue, CancellationToken cancellationToken)
    {
        try
        {
            foreach (ModelQualityTracker tracker in _monitor.Trackers)
            {
                IReadOnlyList<QualityWindow> published = await queue.ReadPublishedAsync(tracker.Name, QualityLimits.HistoryLength, cancellationToken).ConfigureAwait(false);
                tracker.ApplyFleetWindows(published);
            }

            _refreshFailing = false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (!_refreshFailing)
            {
                Log.FleetWindowsRefreshFailed(_logger, ex);   // once per outage, not every second
                _refreshFailing = true;
            }
        }
    }

    /// <summary>Joins one claimed pair; <see langword="false"/> when it counts in no window (its row is deleted at once).</summary>
    private bool Join(in QueuedFeedback item)
    {
        PredictionRecord record = item.Prediction;
        if (_monitor.Find(record.ModelName.Value) is not { } tracker)
        {
            return false;   // a model this replica does not monitor: nothing to join it with
        }

        var stored = StoredPrediction.From(record);
        tracker.Admit(ref stored, count: false);
        if (tracker.TryConvert(item.Feedback.Actual, out double actual, out string? actualLabel) is not null)
        {
            tracker.CountInvalid();   // the receiving replica checked it; only a model reconfigured in between gets here
            return false;
        }

        if (stored.Refusal != PredictionRefusal.None)
        {
            tracker.RecordRefused(record.ModelVersion, stored.Variant, item.Position);
        }
        else if (tracker.Store.IsExpired(stored.UtcTicks, item.Feedback.ReceivedAt.UtcTicks))
        {
            // Decided on the receiving replica's clock when it received the feedback, as it answered.
            tracker.RecordLate(record.ModelVersion, stored.Variant, item.Position);
        }
        else
        {
            tracker.Join(record.ModelVersion, stored.Variant, stored.Value, stored.Score, stored.Label, stored.Segment, actual, actualLabel, position: item.Position);
        }

        return true;
    }
}
