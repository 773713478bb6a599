using MLOps.Monitoring.Alerting;

namespace MLOps.Monitoring.Tests.Alerting.Support;

/// <summary>A notifier whose receiver is down: every delivery throws.</summary>
internal sealed class ThrowingNotifier : IAlertNotifier
{
    public string Name => "throwing";

    public Task NotifyAsync(AlertNotification notification, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("receiver down");
}

/// <summary>A notifier whose receiver hangs: a delivery completes only when the host stops.</summary>
internal sealed class HangingNotifier : IAlertNotifier
{
    private int _started;

    public string Name => "hanging";

    public int Started => Volatile.Read(ref _started);

    public async Task NotifyAsync(AlertNotification notification, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _started);
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }
}
