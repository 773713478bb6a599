using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using MLOps.Monitoring.Alerting;
using MLOps.Monitoring.Alerting.Internal;
using MLOps.Monitoring.Tests.Alerting.Support;

namespace MLOps.Monitoring.Tests.Alerting;

/// <summary>The email notifier against a real SMTP server process (aiosmtpd).</summary>
public class EmailNotifierTests
{
    [Fact]
    public async Task NotifyAsync_SendsAPlainTextMessageThroughARealSmtpServer()
    {
        using SmtpSink sink = await SmtpSink.StartAsync();
        await using var h = Harness(sink.Port);

        await Notifier(h).NotifyAsync(Notifications.Firing());

        (string envelope, string raw) = await sink.WaitForMessageAsync(1);
        Assert.Equal(["alerts@example.com", "oncall@example.com", "ml-team@example.com"], envelope.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var message = MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(raw)));
        Assert.Equal("[MLOps] [FIRING] critical: quality-below-r2-0.8 (taxi)", message.Subject);
        Assert.Equal("MLOps alerts", Assert.IsType<MailboxAddress>(Assert.Single(message.From)).Name);
        Assert.Equal(["oncall@example.com", "ml-team@example.com"], message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("0123456789abcdef", message.Headers["X-MLOps-Alert-Fingerprint"]);
        string body = message.TextBody ?? "";
        Assert.StartsWith("model 'taxi' (variant primary): r2 = 0.75, below 0.8 <&>.", body, StringComparison.Ordinal);
        Assert.Contains("Status: firing", body, StringComparison.Ordinal);
        Assert.Contains("Severity: critical", body, StringComparison.Ordinal);
        Assert.Contains("Service: taxi-api", body, StringComparison.Ordinal);
        Assert.Contains("mlops.model.version: 3", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotifyAsync_Resolved_SaysSoInSubjectAndBody()
    {
        using SmtpSink sink = await SmtpSink.StartAsync();
        await using var h = Harness(sink.Port);

        await Notifier(h).NotifyAsync(Notifications.Firing(AlertStatus.Resolved));

        (_, string raw) = await sink.WaitForMessageAsync(1);
        using var message = MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(raw)));
        Assert.Equal("[MLOps] [RESOLVED] critical: quality-below-r2-0.8 (taxi)", message.Subject);
        Assert.Contains("Resolved at: 2026-11-26 08:30:00Z", message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotifyAsync_ServerDown_RetriesThenGivesUp()
    {
        int port;
        using (SmtpSink sink = await SmtpSink.StartAsync())
        {
            port = sink.Port;
        }

        await using var h = Harness(port);

        var error = await Assert.ThrowsAsync<AlertDeliveryException>(() => Notifier(h).NotifyAsync(Notifications.Firing()));

        Assert.Contains("gave up after 2 attempt(s)", error.Message, StringComparison.Ordinal);
        Assert.Single(h.Logs.GetSnapshot(), r => r.Id.Id == 406);
    }

    private static AlertingHarness Harness(int port) => AlertingHarness.Create(
        a => a.AddEmail(o =>
        {
            o.Host = "127.0.0.1";
            o.Port = port;
            o.Security = SmtpSecurity.None;
            o.From = "\"MLOps alerts\" <alerts@example.com>";
            o.To.Add("oncall@example.com");
            o.To.Add("ml-team@example.com");
            o.MaxAttempts = 2;
            o.RetryDelay = TimeSpan.FromMilliseconds(10);
        }),
        s => s.AddSingleton(TimeProvider.System));

    private static IAlertNotifier Notifier(AlertingHarness h) => h.Provider.GetServices<IAlertNotifier>().Single(n => n.Name == "email");
}
