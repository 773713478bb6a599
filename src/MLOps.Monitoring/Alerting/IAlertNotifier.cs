namespace MLOps.Monitoring.Alerting;

/// <summary>
/// Delivers alert notifications somewhere (a log, a webhook, Slack, email). Called from the alerting background loop,
/// never from a prediction; an exception is logged and counted and does not stop the other notifiers.
/// </summary>
public interface IAlertNotifier
{
    /// <summary>Gets the notifier's name, used as the <c>mlops.alert.notifier</c> tag; unique and of bounded cardinality.</summary>
    string Name { get; }

    /// <summary>Delivers one notification.</summary>
    /// <param name="notification">The notification.</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    /// <returns>A task that completes when the notification was delivered, and faults when it could not be.</returns>
    Task NotifyAsync(AlertNotification notification, CancellationToken cancellationToken = default);
}
