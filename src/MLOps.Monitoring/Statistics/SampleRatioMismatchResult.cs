namespace MLOps.Monitoring.Statistics;

/// <summary>The outcome of a sample-ratio-mismatch check.</summary>
/// <param name="Statistic">Pearson's chi-square statistic of the assignment counts against the expected weights.</param>
/// <param name="PValue">The p-value, in [0, 1].</param>
/// <param name="IsMismatch">Whether <paramref name="PValue"/> is below the threshold: the assignment is broken.</param>
public readonly record struct SampleRatioMismatchResult(double Statistic, double PValue, bool IsMismatch);
