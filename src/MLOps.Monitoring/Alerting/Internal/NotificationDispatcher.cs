using Microsoft.Extensions.Logging;

namespace MLOps.Monitoring.Alerting.Internal;

/// <summary>Reads the queue and hands each notification to every notifier concurrently; a failure is logged and counted per notifier.</summary>
internal sealed class NotificationDispatcher(AlertQueue queue, IEnumerable<IAlertNotifier> notifiers, AlertingMetrics metrics, ILogger<NotificationDispatcher> logger)
{
    private readonly IAlertNotifier[] _notifiers = [.. notifiers];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (await queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (queue.Reader.TryRead(out AlertNotification? notification))
            {
                await DispatchAsync(notification, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Task DispatchAsync(AlertNotification notification, CancellationToken cancellationToken = default)
    {
        var sends = new Task[_notifiers.Length];
        for (int i = 0; i < sends.Length; i++)
        {
            sends[i] = SendAsync(_notifiers[i], notification, cancellationToken);
        }

        return Task.WhenAll(sends);
    }

    private async Task SendAsync(IAlertNotifier notifier, AlertNotification notification, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Yield(); // a notifier that blocks synchronously must not hold up the others
            await notifier.NotifyAsync(notification, cancellationToken).ConfigureAwait(false);
            metrics.Notified(notifier.Name, AlertingMetrics.Success);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            Log.NotifierFailed(logger, ex, notifier.Name, AlertingMetrics.StatusName(notification.Alert.Status), notification.Alert.Rule.Name);
            metrics.Notified(notifier.Name, AlertingMetrics.Failure);
        }
    }
}
