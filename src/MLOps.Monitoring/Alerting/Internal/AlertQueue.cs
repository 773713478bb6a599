using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MLOps.Monitoring.Alerting.Internal;

/// <summary>
/// The bounded queue between the evaluation loop and the notifiers: a slow or unreachable notifier can only make the
/// queue fill, and then the oldest notification is dropped (logged and counted), never block evaluation.
/// </summary>
internal sealed class AlertQueue
{
    private readonly Channel<AlertNotification> _channel;

    public AlertQueue(IOptions<AlertingOptions> options, AlertingMetrics metrics, IEnumerable<IAlertNotifier> notifiers, ILogger<AlertQueue> logger)
    {
        string[] names = [.. notifiers.Select(n => n.Name)];
        _channel = Channel.CreateBounded<AlertNotification>(
            new BoundedChannelOptions(options.Value.QueueCapacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
                SingleWriter = false,
            },
            dropped =>
            {
                Log.NotificationDropped(logger, AlertingMetrics.StatusName(dropped.Alert.Status), dropped.Alert.Rule.Name);
                foreach (string name in names)
                {
                    metrics.Notified(name, AlertingMetrics.Dropped);
                }
            });
    }

    public ChannelReader<AlertNotification> Reader => _channel.Reader;

    public void Enqueue(AlertNotification notification) => _channel.Writer.TryWrite(notification);
}
