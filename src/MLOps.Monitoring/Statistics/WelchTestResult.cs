namespace MLOps.Monitoring.Statistics;

/// <summary>The outcome of Welch's unequal-variance t-test of treatment against control.</summary>
/// <param name="Statistic">The t statistic (mean_treatment − mean_control) / √(s²_treatment / n_treatment + s²_control / n_control).</param>
/// <param name="DegreesOfFreedom">The Welch–Satterthwaite degrees of freedom.</param>
/// <param name="PValue">The two-sided p-value, in [0, 1].</param>
/// <param name="Difference">The difference of the means, treatment − control.</param>
/// <param name="Interval">The confidence interval of <paramref name="Difference"/> at the requested confidence level.</param>
public readonly record struct WelchTestResult(
    double Statistic, double DegreesOfFreedom, double PValue, double Difference, ConfidenceInterval Interval);
