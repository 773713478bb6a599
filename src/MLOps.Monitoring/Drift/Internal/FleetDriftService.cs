using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MLOps.Monitoring.Drift.Internal;

/// <summary>
/// The hosted loops of fleet drift. On every replica: publishes the queued closed windows to the store (a failed
/// publication is retried after <see cref="FleetDriftOptions.PollInterval"/>; meanwhile new windows queue up to
/// <see cref="FleetDriftOptions.QueueCapacity"/>), and reads the latest fleet report of each model into the drift
/// monitor's history, without raising it, so <c>GET …/drift</c> serves it on any replica. On the leader only: merges
/// the complete buckets, evaluates them, stores each report unless the bucket already has one, and publishes the
/// reports it stored through <see cref="DriftMonitor"/> (one report per bucket for subscribers, gauges and alerts).
/// A window still queued or waiting for its retry when the host stops is counted as <c>abandoned</c>.
/// </summary>
internal sealed class FleetDriftService(
    FleetDriftHub hub,
    IFleetDriftStore store,
    ILeaderElection leader,
    DriftMonitor monitor,
    DriftMetrics metrics,
    IOptions<FleetDriftOptions> options,
    TimeProvider time,
    ILogger<FleetDriftService> logger) : BackgroundService
{
    private readonly TimeSpan _poll = options.Value.PollInterval;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(PublishLoopAsync(stoppingToken), EvaluateLoopAsync(stoppingToken));

    /// <summary>One pass of the leader's work and the report sync (tests call it directly).</summary>
    internal async Task RunPassAsync(CancellationToken cancellationToken)
    {
        if (leader.IsLeader)
        {
            await EvaluateCompleteBucketsAsync(cancellationToken).ConfigureAwait(false);
        }

        await SyncLatestReportsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Publishes what is queued now (tests call it directly); returns how many windows were stored.</summary>
    internal async Task<int> DrainAsync(CancellationToken cancellationToken)
    {
        int published = 0;
        while (hub.Reader.TryRead(out FleetDriftWindow? window))
        {
            try
            {
                await PublishAsync(window, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The host stops while this window waits for its retry (the store is down): counted, never silently lost.
                FleetDriftHub.Count(hub.Windows, window.Model, "abandoned");
                throw;
            }

            published++;
        }

        return published;
    }

    private async Task PublishLoopAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await hub.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                await DrainAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // What is still queued when the host stops is not published by anyone: count it.
            int abandoned = 0;
            while (hub.Reader.TryRead(out FleetDriftWindow? window))
            {
                FleetDriftHub.Count(hub.Windows, window.Model, "abandoned");
                abandoned++;
            }

            if (abandoned > 0)
            {
                DriftLog.FleetWindowsAbandoned(logger, abandoned);
            }
        }
    }

    private async Task PublishAsync(FleetDriftWindow window, CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await store.PublishAsync(window, stoppingToken).ConfigureAwait(false);
                FleetDriftHub.Count(hub.Windows, window.Model, "published");
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                FleetDriftHub.Count(hub.Windows, window.Model, "failed");
                DriftLog.FleetPublishFailed(monitor.Logger, ex, window.Model.Value);
                await Task.Delay(_poll, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task EvaluateLoopAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RunPassAsync(stoppingToken).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // One failed pass (the store is down) must not stop the loop.
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
#pragma warning restore CA1031
                {
                    DriftLog.FleetPassFailed(logger, ex);
                }

                await Task.Delay(_poll, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task EvaluateCompleteBucketsAsync(CancellationToken cancellationToken)
    {
        foreach (FleetDriftBucket bucket in await store.GetCompleteBucketsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!leader.IsLeader)
            {
                return;   // stepped down: the next leader takes the remaining buckets
            }

            try
            {
                await EvaluateAsync(bucket, cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // One bucket that fails (the store went down) is counted and retried; the others still run.
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                FleetDriftHub.Count(hub.Buckets, bucket.Model, "failed");
                DriftLog.FleetPassFailed(logger, ex);
            }
        }
    }

    private async Task EvaluateAsync(FleetDriftBucket bucket, CancellationToken cancellationToken)
    {
        string model = bucket.Model.Value;
        if (!hub.TryGetSource(bucket.Model, out IFleetDriftSource? source))
        {
            FleetDriftHub.Count(hub.Buckets, bucket.Model, "skipped");
            DriftLog.FleetBucketSkipped(logger, model, bucket.Version, bucket.BucketStart, "this replica does not monitor the model (its client was not resolved yet).");
            return;
        }

        if (await source!.GetReferenceAsync(bucket.Version, cancellationToken).ConfigureAwait(false) is not var (reference, schema))
        {
            FleetDriftHub.Count(hub.Buckets, bucket.Model, "skipped");
            DriftLog.FleetBucketSkipped(logger, model, bucket.Version, bucket.BucketStart, "no reference profile is available for the version.");
            return;
        }

        var parts = new List<Pane>(bucket.Windows.Count);
        foreach (FleetDriftWindow window in bucket.Windows)
        {
            try
            {
                parts.Add(PaneState.Restore(reference, window.State));
            }
            catch (InvalidDataException ex)
            {
                DriftLog.FleetWindowRejected(logger, ex, model, window.Replica, bucket.BucketStart);
            }
        }

        Pane merged = PaneMerger.Merge(reference, parts, Seed(bucket));
        DriftReport report = DriftEvaluator.Evaluate(merged, schema, time.GetUtcNow(), bucket.Model, bucket.BucketStart) with
        {
            ModelVersion = bucket.Version == 0 ? null : bucket.Version,
        };
        if (!await store.TryCompleteAsync(bucket, report, cancellationToken).ConfigureAwait(false))
        {
            FleetDriftHub.Count(hub.Buckets, bucket.Model, "duplicate");
            return;
        }

        FleetDriftHub.Count(hub.Buckets, bucket.Model, "evaluated");
        int replicas = bucket.Windows.Select(w => w.Replica).Distinct().Count();
        DriftLog.FleetBucketEvaluated(
            logger, model, bucket.Version, bucket.BucketStart, parts.Count, replicas, report.CurrentRows, report.DriftedFeatures, report.EvaluatedFeatures);
        metrics.Publish(model, report);
        monitor.Publish(bucket.Model, report);
    }

    private async Task SyncLatestReportsAsync(CancellationToken cancellationToken)
    {
        foreach (ModelName model in monitor.Models)
        {
            DriftReport? stored = await store.GetLatestReportAsync(model, cancellationToken).ConfigureAwait(false);
            DriftReport? local = monitor.GetLatestReport(model);
            if (stored is not null && (local is null || stored.WindowStart > local.WindowStart))
            {
                monitor.Record(model, stored);
            }
        }
    }

    /// <summary>A seed that every leader derives alike for a bucket (string.GetHashCode is randomized per process).</summary>
    private static int Seed(FleetDriftBucket bucket)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in bucket.Model.Value)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        hash = (hash ^ (ulong)bucket.Version) * 1099511628211UL;
        hash = (hash ^ (ulong)bucket.BucketStart.UtcTicks) * 1099511628211UL;
        return (int)(hash ^ (hash >> 32));
    }
}
