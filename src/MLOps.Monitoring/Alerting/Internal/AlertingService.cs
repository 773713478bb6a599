using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MLOps.Monitoring.Alerting.Internal;

/// <summary>
/// The alerting loop: evaluates the rules every <see cref="AlertingOptions.EvaluationInterval"/> (timed by the
/// <see cref="TimeProvider"/>) and, alongside, delivers queued notifications. A failing evaluation is logged and the
/// next one runs as scheduled.
/// </summary>
internal sealed class AlertingService(
    AlertEngine engine, NotificationDispatcher dispatcher, IOptions<AlertingOptions> options, TimeProvider timeProvider, ILogger<AlertingService> logger)
    : BackgroundService
{
    private PeriodicTimer? _timer;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        engine.Start();

        // Created here, not in ExecuteAsync (which .NET 10 runs on the thread pool), so the schedule starts with the host.
        _timer = new PeriodicTimer(options.Value.EvaluationInterval, timeProvider);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Task delivery = dispatcher.RunAsync(stoppingToken);
        try
        {
            PeriodicTimer timer = _timer!;
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    engine.Evaluate();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.EvaluationFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        try
        {
            await delivery.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
