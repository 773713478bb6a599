namespace MLOps.Monitoring.Alerting;

/// <summary>
/// One alert rule evaluated over the SDK's own instruments on the <c>MLOps</c> meter. Usually built with the fluent
/// methods of <see cref="AlertingBuilder"/> (<c>OnDriftDetected</c>, <c>OnQualityBelow</c>, …); a rule built by hand is
/// added with <see cref="AlertingBuilder.Add(AlertRule)"/> and validated when the host starts.
/// </summary>
public sealed record AlertRule
{
    /// <summary>Gets the rule's unique name, used as the <c>mlops.alert.rule</c> tag and in notifications.</summary>
    public required string Name { get; init; }

    /// <summary>Gets what the rule watches.</summary>
    public required AlertRuleKind Kind { get; init; }

    /// <summary>Gets the severity of the alerts this rule raises.</summary>
    /// <value>The default value is <see cref="AlertSeverity.Warning"/>.</value>
    public AlertSeverity Severity { get; init; } = AlertSeverity.Warning;

    /// <summary>
    /// Gets the threshold: the quality floor (<see cref="AlertRuleKind.QualityBelow"/>) or ceiling (<see cref="AlertRuleKind.QualityAbove"/>), the error share between 0 and 1
    /// (<see cref="AlertRuleKind.ErrorRateAbove"/>) or the latency in seconds (<see cref="AlertRuleKind.LatencyP95Above"/>).
    /// Unused by the other kinds.
    /// </summary>
    /// <value>The default value is 0.</value>
    public double Threshold { get; init; }

    /// <summary>Gets the quality metric name (the <c>mlops.metric.name</c> tag, for example <c>r2</c>) of a <see cref="AlertRuleKind.QualityBelow"/> or <see cref="AlertRuleKind.QualityAbove"/> rule.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? MetricName { get; init; }

    /// <summary>Gets which drift series a <see cref="AlertRuleKind.DriftDetected"/> rule watches.</summary>
    /// <value>The default value is <see cref="DriftAlertScope.Dataset"/>.</value>
    public DriftAlertScope DriftScope { get; init; } = DriftAlertScope.Dataset;

    /// <summary>
    /// Gets the rolling window of the rate, percentile and counter rules (error rate, latency, load and retrain failures).
    /// Unused by the gauge rules (drift, quality), which read the current value.
    /// </summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets how long the condition must hold before the alert fires (Prometheus' <c>for</c>);
    /// <see langword="null"/> takes <see cref="AlertingOptions.For"/>.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public TimeSpan? For { get; init; }

    /// <summary>
    /// Gets how often a still-firing alert is notified again; <see langword="null"/> takes
    /// <see cref="AlertingOptions.RenotifyInterval"/>, <see cref="TimeSpan.Zero"/> never notifies again.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public TimeSpan? RenotifyInterval { get; init; }
}
