using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MLOps.Monitoring.Batch.Internal;

/// <summary>
/// Runs the scheduled batch monitoring jobs: sleeps on the <see cref="TimeProvider"/> until the next due time, then
/// runs each due job over [due − range, due) if this replica is the fleet's leader (otherwise skips it, and the leader
/// runs it). Jobs missed while the process was down or busy are not caught up: the next due time counts from now. A
/// failed job is logged and the schedule continues.
/// </summary>
internal sealed class BatchMonitoringService(
    IBatchMonitor monitor,
    IReadOnlyList<BatchSchedule> schedules,
    TimeProvider time,
    ILeaderElection? leadership,
    ILogger logger) : BackgroundService
{
    /// <summary>The longest sleep, so a clock change is noticed within it.</summary>
    private static readonly TimeSpan MaxSleep = TimeSpan.FromMinutes(1);

    private long _skipped;
    private long _failed;

    /// <summary>Due jobs skipped because this replica was not the leader (for tests).</summary>
    internal long SkippedAsFollower => Interlocked.Read(ref _skipped);

    /// <summary>Due jobs that threw (for tests).</summary>
    internal long Failed => Interlocked.Read(ref _failed);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (schedules.Count == 0)
        {
            return;
        }

        DateTimeOffset start = time.GetUtcNow();
        var next = new DateTimeOffset?[schedules.Count];
        for (int i = 0; i < next.Length; i++)
        {
            next[i] = schedules[i].Next(start);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            DateTimeOffset now = time.GetUtcNow();
            DateTimeOffset? earliest = null;
            foreach (DateTimeOffset? due in next)
            {
                if (due is { } d && (earliest is null || d < earliest))
                {
                    earliest = d;
                }
            }

            if (earliest is null)
            {
                return;   // only cron schedules without a further occurrence
            }

            if (earliest > now)
            {
                TimeSpan sleep = earliest.Value - now;
                try
                {
                    await Task.Delay(sleep < MaxSleep ? sleep : MaxSleep, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            for (int i = 0; i < next.Length; i++)
            {
                if (next[i] is { } due && due <= now)
                {
                    next[i] = schedules[i].Next(now);
                    await RunAsync(schedules[i], due, stoppingToken).ConfigureAwait(false);
                }
            }
        }
    }

    private async Task RunAsync(BatchSchedule schedule, DateTimeOffset due, CancellationToken stoppingToken)
    {
        if (leadership is { IsLeader: false })
        {
            Interlocked.Increment(ref _skipped);
            BatchLog.JobSkippedFollower(logger, schedule.Model.Value, due);
            return;
        }

        DateTimeOffset from = due - schedule.Range;
        try
        {
            await monitor.RunAsync(new BatchMonitoringRequest(schedule.Model, from, due), stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // one failed job never stops the schedule
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _failed);
            BatchLog.JobFailed(logger, ex, schedule.Model.Value, from, due);
        }
    }
}
