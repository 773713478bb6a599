using System.ComponentModel.DataAnnotations;

namespace MLOps.Monitoring.Alerting;

/// <summary>
/// Delivery settings shared by the webhook, Slack and email notifiers: attempts, per-attempt timeout and exponential
/// backoff with jitter. Each notifier delivers through a Polly <c>ResiliencePipeline</c> (a retry around a timeout,
/// timed by the application's <see cref="TimeProvider"/>) built from these options.
/// </summary>
/// <remarks>
/// The options map onto Polly as follows: <see cref="MaxAttempts"/> − 1 is the retry strategy's <c>MaxRetryAttempts</c>,
/// <see cref="RetryDelay"/> its <c>Delay</c>, <see cref="MaxRetryDelay"/> its <c>MaxDelay</c> and <see cref="UseJitter"/>
/// its <c>UseJitter</c>, with <c>BackoffType = Exponential</c>; <see cref="AttemptTimeout"/> is the timeout strategy's
/// <c>Timeout</c>, applied to each attempt.
/// </remarks>
public abstract class AlertNotifierOptions
{
    /// <summary>The default <see cref="MaxAttempts"/>.</summary>
    public const int DefaultMaxAttempts = 4;

    /// <summary>The default <see cref="UseJitter"/>.</summary>
    public const bool DefaultUseJitter = true;

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

    /// <summary>
    /// Gets or sets how long one attempt may take; a hanging receiver is abandoned after it and the next attempt starts.
    /// Between 10 milliseconds and 10 minutes.
    /// </summary>
    /// <value>The default value is 10 seconds.</value>
    public TimeSpan AttemptTimeout { get; set; } = DefaultAttemptTimeout;

    /// <summary>
    /// Gets or sets the wait before the second attempt; each further wait doubles, up to <see cref="MaxRetryDelay"/>.
    /// With <see cref="UseJitter"/>, the waits are spread around that curve.
    /// </summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan RetryDelay { get; set; } = DefaultRetryDelay;

    /// <summary>Gets or sets the longest wait between two attempts, also for a server's <c>Retry-After</c>.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan MaxRetryDelay { get; set; } = DefaultMaxRetryDelay;

    /// <summary>
    /// Gets or sets a value indicating whether the waits between attempts are randomized, so instances that failed together
    /// do not retry together. Polly's decorrelated jitter: the n-th wait lies between 0 and <see cref="RetryDelay"/> × 2^n,
    /// never above <see cref="MaxRetryDelay"/>, and the waits still grow about twofold per attempt. Without jitter the
    /// n-th wait is exactly <see cref="RetryDelay"/> × 2^(n−1), capped at <see cref="MaxRetryDelay"/>.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool UseJitter { get; set; } = DefaultUseJitter;
}
