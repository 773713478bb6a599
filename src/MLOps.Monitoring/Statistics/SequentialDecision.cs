namespace MLOps.Monitoring.Statistics;

/// <summary>
/// The decision of an always-valid sequential test at one look. In a rollout the control is the primary and the treatment
/// is the candidate.
/// </summary>
public enum SequentialDecision
{
    /// <summary>No decision yet: the evidence has not reached the significance level, or an arm is below the minimum sample size.</summary>
    None,

    /// <summary>The treatment is significantly better than the control, given the metric's <see cref="MetricDirection"/>.</summary>
    TreatmentBetter,

    /// <summary>The treatment is significantly worse than the control, given the metric's <see cref="MetricDirection"/>.</summary>
    TreatmentWorse,
}
