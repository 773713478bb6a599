using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MLOps.Monitoring.Quality.Internal;

/// <summary>
/// Writes queued predictions to the durable log and, for time windows, closes windows whose interval is over (every
/// <see cref="SweepInterval"/> on the application's <see cref="TimeProvider"/>). Each pass catches and logs its own
/// failures; at shutdown the queue is written out.
/// </summary>
internal sealed class QualityBackgroundService(
    ModelQualityMonitor monitor,
    PredictionLogWriter writer,
    TimeProvider timeProvider,
    ILogger logger) : BackgroundService
{
    internal static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    private PeriodicTimer? _sweepTimer;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Created before ExecuteAsync runs (on another thread since .NET 10), so the first period starts at StartAsync.
        if (monitor.Trackers.Any(t => t.Settings.WindowDuration is not null))
        {
            _sweepTimer = new PeriodicTimer(SweepInterval, timeProvider);
        }

        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _sweepTimer?.Dispose();
        base.Dispose();
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await writer.DrainAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(WriteAsync(stoppingToken), SweepAsync(stoppingToken));

    private async Task WriteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await writer.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; StopAsync writes what is left.
        }
    }

    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        if (_sweepTimer is not { } timer)
        {
            return;
        }

        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                foreach (ModelQualityTracker tracker in monitor.Trackers)
                {
                    try
                    {
                        tracker.CloseDueWindows();
                    }
                    catch (Exception ex)
                    {
                        Log.QualitySweepFailed(logger, ex);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
