using System.Net;
using System.Net.Http.Headers;

namespace MLOps.Monitoring.Alerting.Internal;

/// <summary>
/// Posts JSON for the webhook and Slack notifiers: through <c>IHttpClientFactory</c> (named client
/// <see cref="AlertingTelemetry.HttpClientName"/>) when the application registered one, else through an owned client.
/// </summary>
internal sealed class HttpAlertClient : IDisposable
{
    private readonly IHttpClientFactory? _factory;
    private readonly HttpClient? _owned;

    public HttpAlertClient(IHttpClientFactory? factory)
    {
        _factory = factory;
        if (factory is null)
        {
            _owned = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            {
                Timeout = Timeout.InfiniteTimeSpan, // each attempt has its own timeout
            };
        }
    }

    public static bool IsTransient(Exception exception) => exception switch
    {
        HttpRequestException { StatusCode: { } status } => (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests,
        HttpRequestException => true, // connection refused, reset, DNS
        IOException => true,
        _ => false,
    };

    public async Task PostAsync(Uri url, byte[] body, string? signature, CancellationToken cancellationToken)
    {
        HttpClient client = _owned ?? _factory!.CreateClient(AlertingTelemetry.HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("MLOps-Alerting", typeof(HttpAlertClient).Assembly.GetName().Version?.ToString(3) ?? "0"));
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation(WebhookNotifier.SignatureHeader, signature);
        }

        using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var failure = new HttpRequestException(
                $"{url.GetLeftPart(UriPartial.Authority)} answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
            if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable
                && response.Headers.RetryAfter is { } retryAfter
                && (retryAfter.Delta ?? (object?)retryAfter.Date) is { } after)
            {
                failure.Data[DeliveryPipeline.RetryAfterKey] = after; // the delivery pipeline waits this long (at most MaxRetryDelay)
            }

            throw failure;
        }
    }

    public void Dispose() => _owned?.Dispose();
}
