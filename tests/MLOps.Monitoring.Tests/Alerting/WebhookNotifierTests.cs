using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MLOps.Monitoring.Alerting;
using MLOps.Monitoring.Alerting.Internal;
using MLOps.Monitoring.Tests.Alerting.Support;

namespace MLOps.Monitoring.Tests.Alerting;

public class WebhookNotifierTests
{
    [Fact]
    public async Task NotifyAsync_PostsTheDocumentedJsonSignedWithHmacSha256()
    {
        using var server = new LoopbackHttpServer(_ => 204);
        await using var h = Harness(o => { o.Url = server.Url; o.Secret = "s3cret"; });

        await Notifier(h, "webhook").NotifyAsync(Notifications.Firing());

        LoopbackHttpServer.ReceivedRequest request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/hooks/alerts", request.Path);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        string expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData("s3cret"u8.ToArray(), request.Body));
        Assert.Equal(expected, request.Headers["X-MLOps-Signature"]);

        using JsonDocument json = JsonDocument.Parse(request.Body);
        JsonElement root = json.RootElement;
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Equal("firing", root.GetProperty("status").GetString());
        Assert.False(root.GetProperty("repeat").GetBoolean());
        Assert.Equal("taxi-api", root.GetProperty("service").GetString());
        Assert.Equal("quality-below-r2-0.8", root.GetProperty("rule").GetString());
        Assert.Equal("quality_below", root.GetProperty("kind").GetString());
        Assert.Equal("critical", root.GetProperty("severity").GetString());
        Assert.Equal("model 'taxi' (variant primary): r2 = 0.75, below 0.8 <&>.", root.GetProperty("summary").GetString());
        Assert.Equal(0.75, root.GetProperty("value").GetDouble());
        Assert.Equal(0.8, root.GetProperty("threshold").GetDouble());
        Assert.Equal("taxi", root.GetProperty("labels").GetProperty("mlops.model.name").GetString());
        Assert.Equal("3", root.GetProperty("labels").GetProperty("mlops.model.version").GetString());
        Assert.Equal("0123456789abcdef", root.GetProperty("fingerprint").GetString());
        Assert.Equal(AlertingHarness.Start, root.GetProperty("activeSince").GetDateTimeOffset());
        Assert.Equal(AlertingHarness.Start.AddMinutes(5), root.GetProperty("firingSince").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("resolvedAt").ValueKind);
        Assert.Equal(AlertingHarness.Start.AddMinutes(5), root.GetProperty("timestamp").GetDateTimeOffset());
    }

    [Fact]
    public async Task NotifyAsync_Resolved_WithoutSecret_SendsResolvedAtAndNoSignature()
    {
        using var server = new LoopbackHttpServer(_ => 200);
        await using var h = Harness(o => o.Url = server.Url);

        await Notifier(h, "webhook").NotifyAsync(Notifications.Firing(AlertStatus.Resolved));

        LoopbackHttpServer.ReceivedRequest request = Assert.Single(server.Requests);
        Assert.Null(request.Headers["X-MLOps-Signature"]);
        using JsonDocument json = JsonDocument.Parse(request.Body);
        Assert.Equal("resolved", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(AlertingHarness.Start.AddMinutes(30), json.RootElement.GetProperty("resolvedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task NotifyAsync_ServerErrorThenSuccess_RetriesWithTheSameSignedBody()
    {
        using var server = new LoopbackHttpServer(n => n == 1 ? 500 : 200);
        await using var h = Harness(o => { o.Url = server.Url; o.Secret = "k"; o.RetryDelay = TimeSpan.FromMilliseconds(10); });

        await Notifier(h, "webhook").NotifyAsync(Notifications.Firing());

        LoopbackHttpServer.ReceivedRequest[] requests = [.. server.Requests];
        Assert.Equal(2, requests.Length);
        Assert.Equal(requests[0].Body, requests[1].Body);
        Assert.Equal(requests[0].Headers["X-MLOps-Signature"], requests[1].Headers["X-MLOps-Signature"]);
        var retry = Assert.Single(h.Logs.GetSnapshot(), r => r.Id.Id == 406);
        Assert.Contains("500", retry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotifyAsync_HangingEndpoint_AbandonsEachAttemptAfterTheTimeoutAndGivesUp()
    {
        using var server = new LoopbackHttpServer(_ => LoopbackHttpServer.HangForever);
        await using var h = Harness(o =>
        {
            o.Url = server.Url;
            o.MaxAttempts = 3;
            o.AttemptTimeout = TimeSpan.FromMilliseconds(300);
            o.RetryDelay = TimeSpan.FromMilliseconds(10);
        });

        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => Notifier(h, "webhook").NotifyAsync(Notifications.Firing()));

        Assert.IsType<AlertDeliveryException>(error);
        Assert.IsType<TimeoutException>(error.InnerException);
        Assert.Contains("gave up after 3 attempt(s)", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task NotifyAsync_ClientError_IsNotRetried()
    {
        using var server = new LoopbackHttpServer(_ => 401);
        await using var h = Harness(o => { o.Url = server.Url; o.RetryDelay = TimeSpan.FromMilliseconds(10); });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => Notifier(h, "webhook").NotifyAsync(Notifications.Firing()));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task NotifyAsync_TooManyRequests_WaitsTheRetryAfterOnTheTimeProvider()
    {
        using var server = new LoopbackHttpServer(
            n => n == 1 ? 429 : 200,
            n => n == 1 ? new Dictionary<string, string> { ["Retry-After"] = "7" } : new Dictionary<string, string>());
        await using var h = AlertingHarness.Create(a => a.AddWebhook(o => o.Url = server.Url)); // FakeTimeProvider

        Task notify = Notifier(h, "webhook").NotifyAsync(Notifications.Firing());

        await Eventually.HoldsAsync(() => h.Logs.GetSnapshot().Any(r => r.Id.Id == 406), "the retry is scheduled");
        var retry = Assert.Single(h.Logs.GetSnapshot(), r => r.Id.Id == 406);
        Assert.Contains("429", retry.Message, StringComparison.Ordinal);
        Assert.Equal("00:00:07", retry.StructuredState!.Single(s => s.Key == "Delay").Value);
        h.Time.Advance(TimeSpan.FromSeconds(7) - TimeSpan.FromMilliseconds(1));
        Assert.Single(server.Requests);
        h.Time.Advance(TimeSpan.FromMilliseconds(1));

        await notify;
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task NotifyAsync_NothingListening_RetriesThenGivesUp()
    {
        Uri closed;
        using (var server = new LoopbackHttpServer(_ => 200))
        {
            closed = server.Url;
        }

        await using var h = Harness(o => { o.Url = closed; o.MaxAttempts = 2; o.RetryDelay = TimeSpan.FromMilliseconds(10); });

        var error = await Assert.ThrowsAsync<AlertDeliveryException>(() => Notifier(h, "webhook").NotifyAsync(Notifications.Firing()));

        Assert.IsType<HttpRequestException>(error.InnerException);
    }

    [Fact]
    public async Task NotifyAsync_WithIHttpClientFactory_UsesTheNamedClient()
    {
        using var server = new LoopbackHttpServer(_ => 200);
        await using var h = Harness(
            o => o.Url = server.Url,
            s => s.AddHttpClient(AlertingTelemetry.HttpClientName, c => c.DefaultRequestHeaders.Add("X-Configured-By", "factory")));

        await Notifier(h, "webhook").NotifyAsync(Notifications.Firing());

        Assert.Equal("factory", Assert.Single(server.Requests).Headers["X-Configured-By"]);
    }

    [Fact]
    public async Task SlackNotifier_PostsTextAndBlocks()
    {
        using var server = new LoopbackHttpServer(_ => 200);
        await using var h = AlertingHarness.Create(
            a => a.AddSlack(o => o.WebhookUrl = server.Url),
            s => s.AddSingleton(TimeProvider.System));

        await Notifier(h, "slack").NotifyAsync(Notifications.Firing());

        LoopbackHttpServer.ReceivedRequest request = Assert.Single(server.Requests);
        Assert.Null(request.Headers["X-MLOps-Signature"]);
        using JsonDocument json = JsonDocument.Parse(request.Body);
        JsonElement root = json.RootElement;
        Assert.Equal(
            "[FIRING] critical: quality-below-r2-0.8 (taxi): model 'taxi' (variant primary): r2 = 0.75, below 0.8 <&>.",
            root.GetProperty("text").GetString());
        JsonElement[] blocks = [.. root.GetProperty("blocks").EnumerateArray()];
        Assert.Equal(["header", "section", "context"], blocks.Select(b => b.GetProperty("type").GetString()));
        Assert.Equal("plain_text", blocks[0].GetProperty("text").GetProperty("type").GetString());
        Assert.Equal("[FIRING] critical: quality-below-r2-0.8 (taxi)", blocks[0].GetProperty("text").GetProperty("text").GetString());
        Assert.Equal("mrkdwn", blocks[1].GetProperty("text").GetProperty("type").GetString());
        Assert.Equal("model 'taxi' (variant primary): r2 = 0.75, below 0.8 &lt;&amp;&gt;.", blocks[1].GetProperty("text").GetProperty("text").GetString());
        string[] fields = [.. blocks[1].GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("text").GetString()!)];
        Assert.Contains("*Severity*\ncritical", fields);
        Assert.Contains("*Service*\ntaxi-api", fields);
        Assert.Contains("*Value*\n0.75", fields);
        string labels = blocks[2].GetProperty("elements")[0].GetProperty("text").GetString()!;
        Assert.Contains("`mlops.model.name=taxi`", labels, StringComparison.Ordinal);
    }

    [Fact]
    public void Sign_MatchesAnIndependentHmacSha256()
    {
        byte[] body = Encoding.UTF8.GetBytes("{\"a\":1}");

        // python3 -c "import hmac,hashlib;print(hmac.new(b'key',b'{\"a\":1}',hashlib.sha256).hexdigest())"
        Assert.Equal("sha256=88a67f24bbcdaed0e6c997404bb79a743baf44c6bab2f4c27328e3009d22e342", WebhookNotifier.Sign("key", body));
    }

    private static AlertingHarness Harness(Action<WebhookNotifierOptions> configure, Action<IServiceCollection>? more = null) =>
        AlertingHarness.Create(a => a.AddWebhook(configure), s =>
        {
            s.AddSingleton(TimeProvider.System); // real timeouts and backoff against a real server
            more?.Invoke(s);
        });

    private static IAlertNotifier Notifier(AlertingHarness h, string name) =>
        h.Provider.GetServices<IAlertNotifier>().Single(n => n.Name == name);
}
