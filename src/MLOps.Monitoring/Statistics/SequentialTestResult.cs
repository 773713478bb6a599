namespace MLOps.Monitoring.Statistics;

/// <summary>
/// The state of an always-valid sequential test after one look. Pass it back as the <c>previous</c> argument of the next
/// look: the p-value and the interval are running (minimum and intersection) over all looks.
/// </summary>
/// <param name="Effect">The estimated effect at this look: mean_treatment − mean_control.</param>
/// <param name="LikelihoodRatio">The mixture likelihood ratio Λ of this look against "no effect" (1 until both arms have two observations).</param>
/// <param name="PValue">The always-valid p-value, min over the looks so far of 1 / Λ, in [0, 1].</param>
/// <param name="Interval">The always-valid (1 − α) confidence sequence for the effect: the intersection of every look's interval.</param>
/// <param name="Decision">The decision: none until <paramref name="PValue"/> ≤ α with the minimum sample in both arms.</param>
/// <param name="MinimumSampleReached">Whether both arms had the minimum sample size at this look.</param>
/// <param name="MixtureVariance">The mixture variance τ² used at this look, in the metric's squared units.</param>
public readonly record struct SequentialTestResult(
    double Effect,
    double LikelihoodRatio,
    double PValue,
    ConfidenceInterval Interval,
    SequentialDecision Decision,
    bool MinimumSampleReached,
    double MixtureVariance);
