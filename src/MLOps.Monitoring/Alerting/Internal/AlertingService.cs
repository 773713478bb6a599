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
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        engine.Start();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Task delivery = dispatcher.RunAsync(stoppingToken);
        try
        {
            using var timer = new PeriodicTimer(options.Value.EvaluationInterval, timeProvider);
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
