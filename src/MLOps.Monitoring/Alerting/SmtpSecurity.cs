namespace MLOps.Monitoring.Alerting;

/// <summary>How the email notifier secures its SMTP connection.</summary>
public enum SmtpSecurity
{
    /// <summary>TLS on connect for port 465, otherwise STARTTLS when the server offers it (MailKit's <c>Auto</c>).</summary>
    Auto,

    /// <summary>No TLS (a local relay only).</summary>
    None,

    /// <summary>STARTTLS, required: fail if the server does not offer it.</summary>
    StartTls,

    /// <summary>TLS from the first byte (usually port 465).</summary>
    SslOnConnect,
}
