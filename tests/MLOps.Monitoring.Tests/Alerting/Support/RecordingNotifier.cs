using System.Collections.Concurrent;
using MLOps.Monitoring.Alerting;

namespace MLOps.Monitoring.Tests.Alerting.Support;

/// <summary>A notifier that keeps what it is given (the receiving end of the dispatcher tests).</summary>
internal sealed class RecordingNotifier : IAlertNotifier
{
    public ConcurrentQueue<AlertNotification> Received { get; } = new();

    public string Name => "recording";

    public Task NotifyAsync(AlertNotification notification, CancellationToken cancellationToken = default)
    {
        Received.Enqueue(notification);
        return Task.CompletedTask;
    }
}
