using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MLOps.Monitoring.Alerting.Internal;

/// <summary>Posts a Slack incoming-webhook message (<c>text</c> plus Block Kit <c>blocks</c>).</summary>
internal sealed class SlackNotifier(string name, IOptionsMonitor<SlackNotifierOptions> optionsMonitor, HttpAlertClient http, TimeProvider timeProvider, ILogger logger)
    : IAlertNotifier, IDisposable
{
    private readonly DeliveryPipeline _delivery = new(name, HttpAlertClient.IsTransient, timeProvider, logger);

    public string Name { get; } = name;

    public Task NotifyAsync(AlertNotification notification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        SlackNotifierOptions options = optionsMonitor.Get(Name); // read here, not in the constructor, so startup validation reports every error
        byte[] body = AlertPayloads.Slack(notification);
        Uri url = options.WebhookUrl!;
        return _delivery.RunAsync(options, ct => http.PostAsync(url, body, signature: null, ct), cancellationToken);
    }

    public void Dispose() => http.Dispose();
}
