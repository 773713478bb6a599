using System.ComponentModel.DataAnnotations;

namespace MLOps.Monitoring.Alerting;

/// <summary>Options of the email notifier, which sends a plain-text message per notification over SMTP (MailKit).</summary>
public sealed class EmailNotifierOptions : AlertNotifierOptions
{
    /// <summary>The default <see cref="Port"/>: 587 (submission).</summary>
    public const int DefaultPort = 587;

    /// <summary>The default <see cref="SubjectPrefix"/>.</summary>
    public const string DefaultSubjectPrefix = "[MLOps]";

    /// <summary>Gets or sets the SMTP server host name. Required.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Host { get; set; }

    /// <summary>Gets or sets the SMTP server port.</summary>
    /// <value>The default value is 587.</value>
    [Range(1, 65535)]
    public int Port { get; set; } = DefaultPort;

    /// <summary>Gets or sets how the connection is secured.</summary>
    /// <value>The default value is <see cref="SmtpSecurity.Auto"/>.</value>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

    /// <summary>Gets or sets the user name to authenticate with; <see langword="null"/> does not authenticate.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? UserName { get; set; }

    /// <summary>Gets or sets the password to authenticate with.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Password { get; set; }

    /// <summary>Gets or sets the sender address (<c>alerts@example.com</c> or <c>"MLOps" &lt;alerts@example.com&gt;</c>). Required.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? From { get; set; }

    /// <summary>Gets the recipient addresses; at least one is required.</summary>
    public IList<string> To { get; } = [];

    /// <summary>Gets or sets the text put before every subject.</summary>
    /// <value>The default value is <c>[MLOps]</c>.</value>
    public string SubjectPrefix { get; set; } = DefaultSubjectPrefix;
}
