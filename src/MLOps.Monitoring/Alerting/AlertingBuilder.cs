using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MLOps.Monitoring.Alerting.Internal;

namespace MLOps.Monitoring.Alerting;

/// <summary>
/// Declares alert rules and notifiers; passed to <c>AddAlerting</c>. Rules read the SDK's own instruments on the
/// <c>MLOps</c> meter, so they work with whichever monitoring features publish them. <see cref="For"/> and
/// <see cref="RenotifyEvery"/> set the defaults of every rule, wherever they appear in the chain.
/// </summary>
public sealed class AlertingBuilder
{
    internal AlertingBuilder(IServiceCollection services) => Services = services;

    /// <summary>Gets the service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Adds a rule built by hand; it is validated when the host starts.</summary>
    /// <param name="rule">The rule.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rule"/> is <see langword="null"/>.</exception>
    public AlertingBuilder Add(AlertRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        Services.Configure<AlertingOptions>(o => o.Rules.Add(rule));
        return this;
    }

    /// <summary>Alerts when <c>mlops.drift.detected</c> is 1: dataset drift by default, or per feature.</summary>
    /// <param name="scope">Which drift series to watch.</param>
    /// <param name="severity">The severity.</param>
    /// <param name="name">The rule name; by default <c>drift-detected-&lt;scope&gt;</c>.</param>
    /// <returns>This builder.</returns>
    public AlertingBuilder OnDriftDetected(DriftAlertScope scope = DriftAlertScope.Dataset, AlertSeverity severity = AlertSeverity.Warning, string? name = null)
    {
        CheckDefined(scope, nameof(scope));
        CheckDefined(severity, nameof(severity));
        return Add(new AlertRule
        {
            Name = name ?? "drift-detected-" + scope.ToString().ToLowerInvariant(),
            Kind = AlertRuleKind.DriftDetected,
            Severity = severity,
            DriftScope = scope,
        });
    }

    /// <summary>Alerts when the <c>mlops.model.quality</c> gauge of <paramref name="metricName"/> is below <paramref name="threshold"/>.</summary>
    /// <param name="metricName">The quality metric (the <c>mlops.metric.name</c> tag), for example <c>r2</c> or <c>accuracy</c>.</param>
    /// <param name="threshold">The floor.</param>
    /// <param name="severity">The severity; declare the same metric twice for a warning and a critical floor.</param>
    /// <param name="name">The rule name; by default <c>quality-below-&lt;metric&gt;-&lt;threshold&gt;</c>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="metricName"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is not finite.</exception>
    public AlertingBuilder OnQualityBelow(string metricName, double threshold, AlertSeverity severity = AlertSeverity.Warning, string? name = null) =>
        Quality(AlertRuleKind.QualityBelow, "below", metricName, threshold, severity, name);

    /// <summary>
    /// Alerts when the <c>mlops.model.quality</c> gauge of <paramref name="metricName"/> is above <paramref name="threshold"/>:
    /// for error metrics where lower is better, such as <c>rmse</c>, <c>mae</c> or <c>log_loss</c>.
    /// </summary>
    /// <param name="metricName">The quality metric (the <c>mlops.metric.name</c> tag), for example <c>rmse</c>.</param>
    /// <param name="threshold">The ceiling.</param>
    /// <param name="severity">The severity; declare the same metric twice for a warning and a critical ceiling.</param>
    /// <param name="name">The rule name; by default <c>quality-above-&lt;metric&gt;-&lt;threshold&gt;</c>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="metricName"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is not finite.</exception>
    public AlertingBuilder OnQualityAbove(string metricName, double threshold, AlertSeverity severity = AlertSeverity.Warning, string? name = null) =>
        Quality(AlertRuleKind.QualityAbove, "above", metricName, threshold, severity, name);

    /// <summary>Alerts when more than <paramref name="threshold"/> of the predictions over <paramref name="window"/> failed, per model and variant.</summary>
    /// <param name="threshold">The share of failed predictions, at least 0 and below 1 (0.05 is 5%).</param>
    /// <param name="severity">The severity.</param>
    /// <param name="window">The rolling window; by default 5 minutes.</param>
    /// <param name="name">The rule name; by default <c>error-rate-above-&lt;threshold&gt;</c>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public AlertingBuilder OnErrorRateAbove(double threshold, AlertSeverity severity = AlertSeverity.Critical, TimeSpan? window = null, string? name = null)
    {
        if (!(threshold >= 0 && threshold < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The error-rate threshold must be at least 0 and below 1.");
        }

        CheckDefined(severity, nameof(severity));
        return Add(new AlertRule
        {
            Name = name ?? string.Create(CultureInfo.InvariantCulture, $"error-rate-above-{threshold}"),
            Kind = AlertRuleKind.ErrorRateAbove,
            Severity = severity,
            Threshold = threshold,
            Window = CheckWindow(window, TimeSpan.FromMinutes(5)),
        });
    }

    /// <summary>
    /// Alerts when the 95th percentile of prediction durations over <paramref name="window"/> is above
    /// <paramref name="threshold"/>, per model and variant (estimated from log-spaced buckets, within 10%).
    /// </summary>
    /// <param name="threshold">The latency.</param>
    /// <param name="severity">The severity.</param>
    /// <param name="window">The rolling window; by default 5 minutes.</param>
    /// <param name="name">The rule name; by default <c>latency-p95-above-&lt;ms&gt;ms</c>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public AlertingBuilder OnLatencyP95Above(TimeSpan threshold, AlertSeverity severity = AlertSeverity.Warning, TimeSpan? window = null, string? name = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(threshold, TimeSpan.Zero);
        CheckDefined(severity, nameof(severity));
        return Add(new AlertRule
        {
            Name = name ?? string.Create(CultureInfo.InvariantCulture, $"latency-p95-above-{threshold.TotalMilliseconds}ms"),
            Kind = AlertRuleKind.LatencyP95Above,
            Severity = severity,
            Threshold = threshold.TotalSeconds,
            Window = CheckWindow(window, TimeSpan.FromMinutes(5)),
        });
    }

    /// <summary>Alerts when <c>mlops.retrain.runs</c> counted a <c>failed</c> run within <paramref name="window"/>.</summary>
    /// <param name="severity">The severity.</param>
    /// <param name="window">How long a failure keeps the alert active; by default 1 hour.</param>
    /// <param name="name">The rule name; by default <c>retrain-failed</c>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public AlertingBuilder OnRetrainFailed(AlertSeverity severity = AlertSeverity.Warning, TimeSpan? window = null, string? name = null) =>
        AddFailureRule(AlertRuleKind.RetrainFailed, name ?? "retrain-failed", severity, window, TimeSpan.FromHours(1));

    /// <summary>Alerts when <c>mlops.model.loads</c> counted a failed load within <paramref name="window"/>, per model and variant.</summary>
    /// <param name="severity">The severity.</param>
    /// <param name="window">How long a failure keeps the alert active; by default 10 minutes.</param>
    /// <param name="name">The rule name; by default <c>model-load-failed</c>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public AlertingBuilder OnModelLoadFailed(AlertSeverity severity = AlertSeverity.Warning, TimeSpan? window = null, string? name = null) =>
        AddFailureRule(AlertRuleKind.ModelLoadFailed, name ?? "model-load-failed", severity, window, TimeSpan.FromMinutes(10));

    /// <summary>
    /// Alerts when the rollout analysis rolled back a rollout (<c>mlops.rollout.decisions</c> with decision
    /// <c>rolled_back</c>) within <paramref name="window"/>, per model.
    /// </summary>
    /// <param name="severity">The severity; by default critical.</param>
    /// <param name="window">How long a rollback keeps the alert active; by default 1 hour.</param>
    /// <param name="name">The rule name; by default <c>rollout-rolled-back</c>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public AlertingBuilder OnRolloutRolledBack(AlertSeverity severity = AlertSeverity.Critical, TimeSpan? window = null, string? name = null) =>
        AddFailureRule(AlertRuleKind.RolloutRolledBack, name ?? "rollout-rolled-back", severity, window, TimeSpan.FromHours(1));

    /// <summary>
    /// Alerts when an experiment's sample-ratio-mismatch p-value (<c>mlops.experiment.sample_ratio_p_value</c>) is below
    /// <paramref name="threshold"/>, per model: its arms do not receive the traffic their weights promise.
    /// </summary>
    /// <param name="threshold">The p-value below which it alerts, in (0, 0.5); by default 0.001.</param>
    /// <param name="severity">The severity.</param>
    /// <param name="name">The rule name; by default <c>sample-ratio-mismatch</c>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public AlertingBuilder OnSampleRatioMismatch(double threshold = 0.001, AlertSeverity severity = AlertSeverity.Warning, string? name = null)
    {
        if (!(threshold > 0 && threshold < 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The p-value threshold must be in (0, 0.5).");
        }

        CheckDefined(severity, nameof(severity));
        return Add(new AlertRule
        {
            Name = name ?? "sample-ratio-mismatch",
            Kind = AlertRuleKind.SampleRatioMismatch,
            Severity = severity,
            Threshold = threshold,
        });
    }

    /// <summary>Sets how long a condition must hold before its alert fires (Prometheus' <c>for</c>), for every rule that does not set its own.</summary>
    /// <param name="duration">The duration; zero fires at once.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is negative.</exception>
    public AlertingBuilder For(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        Services.Configure<AlertingOptions>(o => o.For = duration);
        return this;
    }

    /// <summary>Sets how often a still-firing alert is notified again, for every rule that does not set its own.</summary>
    /// <param name="interval">The interval; zero notifies once per firing.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is negative.</exception>
    public AlertingBuilder RenotifyEvery(TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.Zero);
        Services.Configure<AlertingOptions>(o => o.RenotifyInterval = interval);
        return this;
    }

    /// <summary>Sets how often the rules are evaluated.</summary>
    /// <param name="interval">The interval, between 100 milliseconds and 1 hour (checked when the host starts).</param>
    /// <returns>This builder.</returns>
    public AlertingBuilder EvaluateEvery(TimeSpan interval)
    {
        Services.Configure<AlertingOptions>(o => o.EvaluationInterval = interval);
        return this;
    }

    /// <summary>Configures the other <see cref="AlertingOptions"/> (queue capacity, …).</summary>
    /// <param name="configure">Configures the options.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is <see langword="null"/>.</exception>
    public AlertingBuilder Configure(Action<AlertingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>Sends notifications as signed JSON to a webhook (format in the package README).</summary>
    /// <param name="configure">Sets the URL, the secret and the delivery settings.</param>
    /// <returns>This builder.</returns>
    public AlertingBuilder AddWebhook(Action<WebhookNotifierOptions> configure) => AddWebhook("webhook", configure);

    /// <summary>Sends notifications as signed JSON to a webhook; <paramref name="name"/> tells several webhooks apart.</summary>
    /// <param name="name">The notifier name (the <c>mlops.alert.notifier</c> tag and the options name).</param>
    /// <param name="configure">Sets the URL, the secret and the delivery settings.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or taken.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is <see langword="null"/>.</exception>
    public AlertingBuilder AddWebhook(string name, Action<WebhookNotifierOptions> configure) =>
        AddNotifier(name, configure, static (sp, name, options, logger) =>
            new WebhookNotifier(name, options, new HttpAlertClient(sp.GetService<IHttpClientFactory>()), TimeOf(sp), logger));

    /// <summary>Sends notifications to a Slack incoming webhook.</summary>
    /// <param name="configure">Sets the webhook URL and the delivery settings.</param>
    /// <returns>This builder.</returns>
    public AlertingBuilder AddSlack(Action<SlackNotifierOptions> configure) => AddSlack("slack", configure);

    /// <summary>Sends notifications to a Slack incoming webhook; <paramref name="name"/> tells several channels apart.</summary>
    /// <param name="name">The notifier name (the <c>mlops.alert.notifier</c> tag and the options name).</param>
    /// <param name="configure">Sets the webhook URL and the delivery settings.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or taken.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is <see langword="null"/>.</exception>
    public AlertingBuilder AddSlack(string name, Action<SlackNotifierOptions> configure) =>
        AddNotifier(name, configure, static (sp, name, options, logger) =>
            new SlackNotifier(name, options, new HttpAlertClient(sp.GetService<IHttpClientFactory>()), TimeOf(sp), logger));

    /// <summary>Sends notifications by email over SMTP (MailKit).</summary>
    /// <param name="configure">Sets the server, the addresses and the delivery settings.</param>
    /// <returns>This builder.</returns>
    public AlertingBuilder AddEmail(Action<EmailNotifierOptions> configure) => AddEmail("email", configure);

    /// <summary>Sends notifications by email over SMTP (MailKit); <paramref name="name"/> tells several recipients' lists apart.</summary>
    /// <param name="name">The notifier name (the <c>mlops.alert.notifier</c> tag and the options name).</param>
    /// <param name="configure">Sets the server, the addresses and the delivery settings.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or taken.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is <see langword="null"/>.</exception>
    public AlertingBuilder AddEmail(string name, Action<EmailNotifierOptions> configure) =>
        AddNotifier(name, configure, static (sp, name, options, logger) => new EmailNotifier(name, options, TimeOf(sp), logger));

    /// <summary>Adds a notifier of your own, resolved from the container as a singleton.</summary>
    /// <typeparam name="TNotifier">The notifier type.</typeparam>
    /// <returns>This builder.</returns>
    public AlertingBuilder AddNotifier<TNotifier>()
        where TNotifier : class, IAlertNotifier
    {
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAlertNotifier, TNotifier>());
        return this;
    }

    private AlertingBuilder AddNotifier<TOptions>(
        string name, Action<TOptions> configure, Func<IServiceProvider, string, IOptionsMonitor<TOptions>, ILogger, IAlertNotifier> create)
        where TOptions : AlertNotifierOptions
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        if (name == LogAlertNotifier.NotifierName
            || Services.Any(d => d.ImplementationInstance is NotifierRegistration registration && registration.Name == name))
        {
            throw new ArgumentException($"A notifier named '{name}' is already registered; give each notifier its own name.", nameof(name));
        }

        Services.AddSingleton(new NotifierRegistration(name));
        Services.AddOptions<TOptions>(name).Configure(configure).ValidateDataAnnotations().ValidateOnStart();
        Services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IValidateOptions<TOptions>), typeof(NotifierOptionsValidator)));
        Services.AddSingleton(sp => create(
            sp,
            name,
            sp.GetRequiredService<IOptionsMonitor<TOptions>>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("MLOps.Monitoring.Alerting." + name)));
        return this;
    }

    private static TimeProvider TimeOf(IServiceProvider services) => services.GetRequiredService<TimeProvider>();

    private AlertingBuilder Quality(AlertRuleKind kind, string direction, string metricName, double threshold, AlertSeverity severity, string? name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(metricName);
        if (!double.IsFinite(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be a finite number.");
        }

        CheckDefined(severity, nameof(severity));
        return Add(new AlertRule
        {
            Name = name ?? string.Create(CultureInfo.InvariantCulture, $"quality-{direction}-{metricName}-{threshold}"),
            Kind = kind,
            Severity = severity,
            MetricName = metricName,
            Threshold = threshold,
        });
    }

    private static void CheckDefined<TEnum>(TEnum value, string parameterName)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw new ArgumentOutOfRangeException(parameterName, value, $"Not a defined {typeof(TEnum).Name}.");
        }
    }

    /// <summary>Adds a rule without a threshold: it fires when a failure was counted within the window.</summary>
    private AlertingBuilder AddFailureRule(AlertRuleKind kind, string name, AlertSeverity severity, TimeSpan? window, TimeSpan defaultWindow)
    {
        CheckDefined(severity, nameof(severity));
        return Add(new AlertRule
        {
            Name = name,
            Kind = kind,
            Severity = severity,
            Window = CheckWindow(window, defaultWindow),
        });
    }

    private static TimeSpan CheckWindow(TimeSpan? window, TimeSpan defaultWindow)
    {
        TimeSpan value = window ?? defaultWindow;
        if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(7))
        {
            throw new ArgumentOutOfRangeException(nameof(window), value, "The window must be positive and at most 7 days.");
        }

        return value;
    }
}
