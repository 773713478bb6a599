using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MLOps.Monitoring.Alerting.Internal;

/// <summary>POSTs the documented JSON body to a URL, signed with HMAC-SHA256 when a secret is set.</summary>
internal sealed class WebhookNotifier(string name, IOptionsMonitor<WebhookNotifierOptions> optionsMonitor, HttpAlertClient http, TimeProvider timeProvider, ILogger logger)
    : IAlertNotifier, IDisposable
{
    public const string SignatureHeader = "X-MLOps-Signature";

    private readonly DeliveryPipeline _delivery = new(name, HttpAlertClient.IsTransient, timeProvider, logger);

    public string Name { get; } = name;

    public static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public Task NotifyAsync(AlertNotification notification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        WebhookNotifierOptions options = optionsMonitor.Get(Name); // read here, not in the constructor, so startup validation reports every error
        byte[] body = AlertPayloads.Webhook(notification);
        string? signature = string.IsNullOrEmpty(options.Secret) ? null : Sign(options.Secret, body);
        Uri url = options.Url!;
        return _delivery.RunAsync(options, ct => http.PostAsync(url, body, signature, ct), cancellationToken);
    }

    public void Dispose() => http.Dispose();
}
