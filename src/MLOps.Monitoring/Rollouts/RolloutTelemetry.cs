namespace MLOps.Monitoring.Rollouts;

/// <summary>
/// Instrument names and tag keys of the rollout analysis and of shadow comparison (on the <c>MLOps</c> meter). Tags also
/// include <c>mlops.model.name</c> and, where stated, <c>mlops.model.version</c> from <see cref="MLOpsTelemetry.Tags"/>.
/// </summary>
public static class RolloutTelemetry
{
    /// <summary>Observable gauge ({rollout}): 1 for the state of each model's latest analysed rollout; tag <see cref="StateTag"/>.</summary>
    public const string State = "mlops.rollout.state";

    /// <summary>Counter ({decision}): decisions the analysis recorded; tag <see cref="DecisionTag"/> (<c>advanced</c>, <c>held</c>, <c>approval_requested</c>, <c>promoted</c>, <c>rolled_back</c>).</summary>
    public const string Decisions = "mlops.rollout.decisions";

    /// <summary>Counter ({error}): analysis passes that could not run (registry unreachable, a decision refused); tag <c>error.type</c>.</summary>
    public const string AnalysisErrors = "mlops.rollout.analysis_errors";

    /// <summary>Observable gauge (1): the always-valid p-value of an experiment's sequential test (mSPRT) on the per-prediction measure, running minimum over the looks.</summary>
    public const string ExperimentPValue = "mlops.experiment.p_value";

    /// <summary>Observable gauge (1): an experiment's estimated effect, candidate minus primary mean of the per-prediction measure (absolute error of a regression, correctness of a classifier).</summary>
    public const string ExperimentEffect = "mlops.experiment.effect";

    /// <summary>Observable gauge (1): the p-value of the sample-ratio-mismatch test of an experiment (chi-square of the arms' request counts against their weights).</summary>
    public const string SampleRatioPValue = "mlops.experiment.sample_ratio_p_value";

    /// <summary>Histogram (1): per shadow prediction compared with the served one of the same id, 1 when their labels agree and 0 when not (its mean is the agreement rate); classification models.</summary>
    public const string ShadowAgreement = "mlops.shadow.agreement";

    /// <summary>Histogram (1): per shadow prediction compared with the served one of the same id, the absolute difference of their values; regression models.</summary>
    public const string ShadowAbsoluteDifference = "mlops.shadow.absolute_difference";

    /// <summary>Tag key: the rollout's state in snake case (<c>progressing</c>, <c>paused</c>, <c>awaiting_approval</c>, <c>succeeded</c>, <c>rolled_back</c>, <c>aborted</c>).</summary>
    public const string StateTag = "mlops.rollout.state";

    /// <summary>Tag key: the decision in snake case.</summary>
    public const string DecisionTag = "mlops.rollout.decision";

    /// <summary>Tag key: the version of the shadow model compared with the served one.</summary>
    public const string ShadowVersionTag = "mlops.shadow.version";
}
