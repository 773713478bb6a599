using System.ComponentModel.DataAnnotations;

namespace MLOps.Monitoring.Alerting;

/// <summary>Delivery settings shared by the webhook, Slack and email notifiers: attempts, per-attempt timeout and exponential backoff.</summary>
public abstract class AlertNotifierOptions
{
    /// <summary>The default <see cref="MaxAttempts"/>.</summary>
    public const int DefaultMaxAttempts = 4;

    /// <summary>The default <see cref="AttemptTimeout"/>: 10 seconds.</summary>
    public static readonly TimeSpan DefaultAttemptTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The default <see cref="RetryDelay"/>: 1 second.</summary>
    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>The default <see cref="MaxRetryDelay"/>: 30 seconds.</summary>
    public static readonly TimeSpan DefaultMaxRetryDelay = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how many times one notification is tried before it is given up (logged and counted as a failure).</summary>
    /// <value>The default value is 4.</value>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = DefaultMaxAttempts;

    /// <summary>Gets or sets how long one attempt may take; a hanging receiver is abandoned after it and the next attempt starts.</summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan AttemptTimeout { get; set; } = DefaultAttemptTimeout;

    /// <summary>Gets or sets the wait before the second attempt; each further wait doubles, up to <see cref="MaxRetryDelay"/>.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan RetryDelay { get; set; } = DefaultRetryDelay;

    /// <summary>Gets or sets the longest wait between two attempts.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan MaxRetryDelay { get; set; } = DefaultMaxRetryDelay;
}
