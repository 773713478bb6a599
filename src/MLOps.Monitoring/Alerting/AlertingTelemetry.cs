namespace MLOps.Monitoring.Alerting;

/// <summary>Names of the alerting instruments (on the <c>MLOps</c> meter), their tag keys and the named <see cref="HttpClient"/>.</summary>
public static class AlertingTelemetry
{
    /// <summary>Observable gauge (<c>{alert}</c>): the number of firing alerts per rule, tagged with <see cref="RuleTag"/> and <see cref="SeverityTag"/>.</summary>
    public const string AlertsInstrument = "mlops.alerts";

    /// <summary>Counter (<c>{notification}</c>): notifications handed to notifiers, tagged with <see cref="NotifierTag"/> and <c>mlops.outcome</c> (<c>success</c>, <c>failure</c>, <c>dropped</c>).</summary>
    public const string NotificationsInstrument = "mlops.alert.notifications";

    /// <summary>Tag key: the alert rule name.</summary>
    public const string RuleTag = "mlops.alert.rule";

    /// <summary>Tag key: the alert severity (<c>info</c>, <c>warning</c>, <c>critical</c>).</summary>
    public const string SeverityTag = "mlops.alert.severity";

    /// <summary>Tag key: the notifier name.</summary>
    public const string NotifierTag = "mlops.alert.notifier";

    /// <summary>
    /// The name of the <see cref="HttpClient"/> the webhook and Slack notifiers request from <c>IHttpClientFactory</c>
    /// when one is registered (configure it with <c>services.AddHttpClient("MLOps.Alerting")</c>); without a factory they
    /// own a client.
    /// </summary>
    public const string HttpClientName = "MLOps.Alerting";
}
