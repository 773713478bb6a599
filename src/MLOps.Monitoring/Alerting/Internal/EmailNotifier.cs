using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace MLOps.Monitoring.Alerting.Internal;

/// <summary>Sends one plain-text email per notification over SMTP with MailKit (connect, authenticate if configured, send, quit).</summary>
internal sealed class EmailNotifier(string name, IOptionsMonitor<EmailNotifierOptions> optionsMonitor, TimeProvider timeProvider, ILogger logger) : IAlertNotifier
{
    private readonly DeliveryPipeline _delivery = new(name, IsTransient, timeProvider, logger);

    public string Name { get; } = name;

    public static bool IsTransient(Exception exception) => exception switch
    {
        AuthenticationException => false,
        SmtpCommandException command => (int)command.StatusCode < 500,
        ParseException => false,
        _ => exception is IOException or SmtpProtocolException or ServiceNotConnectedException or System.Net.Sockets.SocketException,
    };

    public Task NotifyAsync(AlertNotification notification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        EmailNotifierOptions options = optionsMonitor.Get(Name); // read here, not in the constructor, so startup validation reports every error
        return _delivery.RunAsync(options, ct => SendAsync(notification, options, ct), cancellationToken);
    }

    private static async Task SendAsync(AlertNotification notification, EmailNotifierOptions options, CancellationToken cancellationToken)
    {
        using var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.From!));
        foreach (string to in options.To)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        message.Subject = AlertPayloads.EmailSubject(notification, options.SubjectPrefix);
        message.Date = notification.Timestamp;
        message.Headers.Add("X-MLOps-Alert-Fingerprint", notification.Alert.Fingerprint);
        message.Body = new TextPart("plain") { Text = AlertPayloads.EmailBody(notification) };

        using var client = new SmtpClient { Timeout = (int)Math.Min(int.MaxValue, options.AttemptTimeout.TotalMilliseconds) };
        SecureSocketOptions security = options.Security switch
        {
            SmtpSecurity.None => SecureSocketOptions.None,
            SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.Auto,
        };
        await client.ConnectAsync(options.Host!, options.Port, security, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(options.UserName))
        {
            await client.AuthenticateAsync(options.UserName, options.Password ?? "", cancellationToken).ConfigureAwait(false);
        }

        await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
    }
}
