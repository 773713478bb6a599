using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MLOps.Monitoring.Quality.Feedback;

namespace MLOps.Monitoring.Quality.Internal;

/// <summary>
/// Fleet mode, on the leader only: every <see cref="PollInterval"/> (and at once while full batches come back) reads the
/// fleet's queued pairs in the store's order, joins them into this process's trackers (late and refused ones counted
/// as a single process counts them), records the batch as joined, and only then publishes the windows it closed. A
/// follower does nothing; after a failover the next leader starts at the first pair not recorded as joined.
/// </summary>
internal sealed class FleetFeedbackJoiner(
    ModelQualityMonitor monitor,
    IFleetFeedbackQueue? queue,
    ILeaderElection? leadership,
    TimeProvider timeProvider,
    ILogger logger) : BackgroundService
{
    internal static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    internal const int BatchSize = 1000;

    private readonly List<long> _pending = new(BatchSize);
    private PeriodicTimer? _timer;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (queue is null)
        {
            return Task.CompletedTask;   // not in fleet mode: the feedback sink joins in process
        }

        _timer = new PeriodicTimer(PollInterval, timeProvider);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    public override Task StopAsync(CancellationToken cancellationToken) =>
        queue is null ? Task.CompletedTask : base.StopAsync(cancellationToken);

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
                    Log.FleetJoinFailed(logger, ex, _pending.Count);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping. Pairs joined but not recorded are joined again by the next leader; their windows were never published.
        }
    }

    /// <summary>Runs one pass; <see langword="true"/> when a full batch was joined and more may be waiting.</summary>
    internal async Task<bool> RunOnceAsync(CancellationToken cancellationToken)
    {
        if (queue is null)
        {
            return false;
        }

        if (leadership is { IsLeader: false })
        {
            if (_pending.Count > 0)
            {
                // Stepped down before the batch was recorded: the next leader joins it again, so its windows stay unpublished.
                Discard();
            }

            return false;
        }

        if (_pending.Count == 0)
        {
            IReadOnlyList<QueuedFeedback> batch = await queue.ReadPendingAsync(BatchSize, cancellationToken).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                return false;
            }

            foreach (ModelQualityTracker tracker in monitor.Trackers)
            {
                tracker.HoldClosed();
            }

            foreach (QueuedFeedback item in batch)
            {
                Join(item);
                _pending.Add(item.Position);
            }
        }

        // Recorded before the windows are published: if this fails, the same pairs stay pending here and are retried.
        await queue.CompleteAsync(_pending, cancellationToken).ConfigureAwait(false);
        bool full = _pending.Count == BatchSize;
        _pending.Clear();
        foreach (ModelQualityTracker tracker in monitor.Trackers)
        {
            tracker.ReleaseClosed();
        }

        return full;
    }

    private void Join(in QueuedFeedback item)
    {
        PredictionRecord record = item.Prediction;
        if (monitor.Find(record.ModelName.Value) is not { } tracker)
        {
            return;   // a model this replica does not monitor: nothing to join it with
        }

        var stored = StoredPrediction.From(record);
        tracker.Admit(ref stored, count: false);
        if (tracker.TryConvert(item.Feedback.Actual, out double actual, out string? actualLabel) is not null)
        {
            tracker.CountInvalid();   // the receiving replica checked it; only a model reconfigured in between gets here
        }
        else if (stored.Refusal != PredictionRefusal.None)
        {
            tracker.RecordRefused(record.ModelVersion, stored.Variant);
        }
        else if (tracker.Store.IsExpired(stored.UtcTicks, item.Feedback.ReceivedAt.UtcTicks))
        {
            // Decided on the receiving replica's clock when it received the feedback, as it answered.
            tracker.RecordLate(record.ModelVersion, stored.Variant);
        }
        else
        {
            tracker.Join(record.ModelVersion, stored.Variant, stored.Value, stored.Score, stored.Label, stored.Segment, actual, actualLabel);
        }
    }

    private void Discard()
    {
        int windows = 0;
        foreach (ModelQualityTracker tracker in monitor.Trackers)
        {
            windows += tracker.DiscardClosed();
        }

        Log.FleetJoinAbandoned(logger, _pending.Count, windows);
        _pending.Clear();
    }
}
