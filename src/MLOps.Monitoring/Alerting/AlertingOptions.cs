using System.ComponentModel.DataAnnotations;

namespace MLOps.Monitoring.Alerting;

/// <summary>Options of alert evaluation and notification, configured through <see cref="AlertingBuilder"/> and validated when the host starts.</summary>
public sealed class AlertingOptions
{
    /// <summary>The default <see cref="EvaluationInterval"/>: 15 seconds.</summary>
    public static readonly TimeSpan DefaultEvaluationInterval = TimeSpan.FromSeconds(15);

    /// <summary>The default <see cref="RenotifyInterval"/>: 4 hours (Alertmanager's <c>repeat_interval</c>).</summary>
    public static readonly TimeSpan DefaultRenotifyInterval = TimeSpan.FromHours(4);

    /// <summary>The default <see cref="QueueCapacity"/>.</summary>
    public const int DefaultQueueCapacity = 1000;

    /// <summary>Gets or sets how often the rules are evaluated.</summary>
    /// <value>The default value is 15 seconds.</value>
    public TimeSpan EvaluationInterval { get; set; } = DefaultEvaluationInterval;

    /// <summary>Gets or sets how long a condition must hold before its alert fires, for rules that do not set <see cref="AlertRule.For"/>.</summary>
    /// <value>The default value is <see cref="TimeSpan.Zero"/>: an alert fires at the first evaluation that finds its condition.</value>
    public TimeSpan For { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Gets or sets how often a still-firing alert is notified again, for rules that do not set
    /// <see cref="AlertRule.RenotifyInterval"/>; <see cref="TimeSpan.Zero"/> notifies once per firing.
    /// </summary>
    /// <value>The default value is 4 hours.</value>
    public TimeSpan RenotifyInterval { get; set; } = DefaultRenotifyInterval;

    /// <summary>
    /// Gets or sets how many notifications may wait for the notifiers. When a notifier is slow or down and the queue is
    /// full, the oldest waiting notification is dropped (logged and counted), so alerting never blocks.
    /// </summary>
    /// <value>The default value is 1000.</value>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = DefaultQueueCapacity;

    /// <summary>Gets the rules to evaluate. Rule names must be unique.</summary>
    public IList<AlertRule> Rules { get; } = [];
}
