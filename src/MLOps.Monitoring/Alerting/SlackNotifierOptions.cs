namespace MLOps.Monitoring.Alerting;

/// <summary>Options of the Slack notifier, which posts to a Slack incoming webhook (<c>{"text": …, "blocks": […]}</c>).</summary>
public sealed class SlackNotifierOptions : AlertNotifierOptions
{
    /// <summary>Gets or sets the incoming-webhook URL (<c>https://hooks.slack.com/services/…</c>). Required; treat it as a secret.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Uri? WebhookUrl { get; set; }
}
