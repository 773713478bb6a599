namespace MLOps.Monitoring.Statistics;

/// <summary>The outcome of a statistical hypothesis test: the test statistic and its p-value.</summary>
/// <param name="Statistic">The test statistic (for example the Kolmogorov-Smirnov D, the chi-square statistic or the z score).</param>
/// <param name="PValue">The p-value of the test, in [0, 1].</param>
public readonly record struct TestResult(double Statistic, double PValue);
