namespace MLOps.Monitoring.Alerting;

/// <summary>What an <see cref="IAlertNotifier"/> is asked to deliver: an alert that started firing, still fires, or resolved.</summary>
public sealed record AlertNotification
{
    /// <summary>Gets the alert, with <see cref="Alert.Status"/> <see cref="AlertStatus.Firing"/> or <see cref="AlertStatus.Resolved"/>.</summary>
    public required Alert Alert { get; init; }

    /// <summary>Gets a value indicating whether this is a re-notification of an alert that keeps firing.</summary>
    public bool IsRepeat { get; init; }

    /// <summary>Gets when the notification was raised.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets the name of the service that raised it (<c>MLOpsOptions.ServiceName</c>).</summary>
    public required string ServiceName { get; init; }
}
