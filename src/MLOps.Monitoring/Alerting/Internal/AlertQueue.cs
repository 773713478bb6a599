using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MLOps.Monitoring.Alerting.Internal;

/// <summary>
/// Bounded queues between the evaluation loop and the notifiers: the evaluation writes to <see cref="Reader"/>'s
/// channel, and <see cref="NotificationDispatcher"/> fans each notification out to one queue per notifier. Writes never
/// block: when a queue is full (a notifier slow or down) its oldest notification is dropped, logged and counted.
/// </summary>
internal sealed class AlertQueue
{
    private readonly int _capacity;
    private readonly AlertingMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Channel<AlertNotification> _channel;

    public AlertQueue(IOptions<AlertingOptions> options, AlertingMetrics metrics, ILogger<AlertQueue> logger)
    {
        _capacity = options.Value.QueueCapacity;
        _metrics = metrics;
        _logger = logger;
        _channel = Create("*");
    }

    public ChannelReader<AlertNotification> Reader => _channel.Reader;

    public void Enqueue(AlertNotification notification) => _channel.Writer.TryWrite(notification);

    /// <summary>A queue for one notifier; a notification dropped from it is counted under that notifier's name.</summary>
    public Channel<AlertNotification> Create(string notifier) => Channel.CreateBounded<AlertNotification>(
        new BoundedChannelOptions(_capacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = true,
        },
        dropped =>
        {
            Log.NotificationDropped(_logger, notifier, AlertingMetrics.StatusName(dropped.Alert.Status), dropped.Alert.Rule.Name);
            _metrics.Notified(notifier, AlertingMetrics.Dropped);
        });
}
