using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace MLOps.Monitoring.Alerting.Internal;

/// <summary>
/// Fans each queued notification out to one bounded queue per notifier, each drained by its own loop, so a slow or
/// hung notifier delays only itself. A failure is logged and counted per notifier.
/// </summary>
internal sealed class NotificationDispatcher(AlertQueue queue, IEnumerable<IAlertNotifier> notifiers, AlertingMetrics metrics, ILogger<NotificationDispatcher> logger)
{
    private readonly IAlertNotifier[] _notifiers = [.. notifiers];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var queues = new Channel<AlertNotification>[_notifiers.Length];
        var workers = new Task[_notifiers.Length];
        for (int i = 0; i < _notifiers.Length; i++)
        {
            queues[i] = queue.Create(_notifiers[i].Name);
            workers[i] = DrainAsync(_notifiers[i], queues[i].Reader, cancellationToken);
        }

        try
        {
            while (await queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (queue.Reader.TryRead(out AlertNotification? notification))
                {
                    foreach (Channel<AlertNotification> notifierQueue in queues)
                    {
                        notifierQueue.Writer.TryWrite(notification);
                    }
                }
            }
        }
        finally
        {
            foreach (Channel<AlertNotification> notifierQueue in queues)
            {
                notifierQueue.Writer.TryComplete();
            }

            await Task.WhenAll(workers).ConfigureAwait(false);
        }
    }

    /// <summary>Delivers one notification to one notifier; never throws except on cancellation.</summary>
    public async Task SendAsync(IAlertNotifier notifier, AlertNotification notification, CancellationToken cancellationToken)
    {
        try
        {
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

    private async Task DrainAsync(IAlertNotifier notifier, ChannelReader<AlertNotification> reader, CancellationToken cancellationToken)
    {
        await Task.Yield(); // a notifier that blocks synchronously must not hold up the fan-out
        try
        {
            await foreach (AlertNotification notification in reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await SendAsync(notifier, notification, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
