namespace MLOps.Monitoring.Alerting.Internal;

/// <summary>
/// Names and tag keys of the instruments the rules read. They are the public telemetry contract (docs/telemetry.md),
/// repeated here so alerting does not depend on the types of the packages that publish them.
/// </summary>
internal static class WatchedInstruments
{
    public const string PredictionDuration = "mlops.prediction.duration";
    public const string ModelLoads = "mlops.model.loads";
    public const string DriftDetected = "mlops.drift.detected";
    public const string ModelQuality = "mlops.model.quality";
    public const string RetrainRuns = "mlops.retrain.runs";
    public const string RolloutDecisions = "mlops.rollout.decisions";
    public const string SampleRatioPValue = "mlops.experiment.sample_ratio_p_value";

    public const string ModelNameTag = "mlops.model.name";
    public const string ModelVersionTag = "mlops.model.version";
    public const string VariantTag = "mlops.deployment.variant";
    public const string ErrorTypeTag = "error.type";
    public const string OutcomeTag = "mlops.outcome";
    public const string FailureOutcome = "failure";
    public const string DriftFeatureTag = "mlops.drift.feature";
    public const string DatasetFeature = "dataset";
    public const string MetricNameTag = "mlops.metric.name";
    public const string RetrainOutcomeTag = "mlops.retrain.outcome";
    public const string RetrainFailedOutcome = "failed";
    public const string RolloutDecisionTag = "mlops.rollout.decision";
    public const string RolledBackDecision = "rolled_back";
}
