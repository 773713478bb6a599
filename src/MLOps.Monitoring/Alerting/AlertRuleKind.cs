namespace MLOps.Monitoring.Alerting;

/// <summary>What an <see cref="AlertRule"/> watches, and which instrument of the <c>MLOps</c> meter it reads.</summary>
public enum AlertRuleKind
{
    /// <summary>
    /// <c>mlops.drift.detected</c> (gauge, 0 or 1) is 1. Labels: every tag of the series (<c>mlops.model.name</c>,
    /// <c>mlops.drift.feature</c>, <c>mlops.drift.method</c>).
    /// </summary>
    DriftDetected,

    /// <summary>
    /// <c>mlops.model.quality</c> (gauge) for the rule's <see cref="AlertRule.MetricName"/> is below
    /// <see cref="AlertRule.Threshold"/>. Labels: every tag of the series.
    /// </summary>
    QualityBelow,

    /// <summary>
    /// The share of <c>mlops.prediction.duration</c> measurements tagged <c>error.type</c> over the rule's
    /// <see cref="AlertRule.Window"/> is above <see cref="AlertRule.Threshold"/>. Labels: model name and variant.
    /// </summary>
    ErrorRateAbove,

    /// <summary>
    /// The 95th percentile of <c>mlops.prediction.duration</c> over the rule's <see cref="AlertRule.Window"/> is above
    /// <see cref="AlertRule.Threshold"/> seconds. Labels: model name and variant.
    /// </summary>
    LatencyP95Above,

    /// <summary>
    /// <c>mlops.retrain.runs</c> with <c>mlops.retrain.outcome</c> = <c>failed</c> increased within the rule's
    /// <see cref="AlertRule.Window"/>. Labels: the series' tags except the outcome.
    /// </summary>
    RetrainFailed,

    /// <summary>
    /// <c>mlops.model.loads</c> with <c>mlops.outcome</c> = <c>failure</c> increased within the rule's
    /// <see cref="AlertRule.Window"/>. Labels: model name and variant.
    /// </summary>
    ModelLoadFailed,

    /// <summary>
    /// <c>mlops.model.quality</c> (gauge) for the rule's <see cref="AlertRule.MetricName"/> is above
    /// <see cref="AlertRule.Threshold"/>: for error metrics where lower is better (<c>rmse</c>, <c>mae</c>, <c>log_loss</c>).
    /// Labels: every tag of the series.
    /// </summary>
    QualityAbove,

    /// <summary>A rollout was rolled back by the analysis (<c>mlops.rollout.decisions</c> with decision <c>rolled_back</c>) within the window.</summary>
    RolloutRolledBack,

    /// <summary>An experiment's sample-ratio-mismatch p-value (<c>mlops.experiment.sample_ratio_p_value</c>) is below the threshold.</summary>
    SampleRatioMismatch,
}
