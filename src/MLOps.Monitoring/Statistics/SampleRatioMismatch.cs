namespace MLOps.Monitoring.Statistics;

/// <summary>
/// The sample-ratio-mismatch (SRM) check of an experiment: do the arms receive the traffic their weights promise?
/// A mismatch means the assignment (or the logging of it) is broken, and every comparison of the arms is suspect.
/// Fabijan et al., "Diagnosing sample ratio mismatch in online controlled experiments" (KDD 2019).
/// </summary>
public static class SampleRatioMismatch
{
    /// <summary>The default p-value threshold below which the counts are a mismatch (0.001, as is usual for SRM).</summary>
    public const double DefaultThreshold = 0.001;

    /// <summary>
    /// Tests the assignment counts of any number of arms against their expected weights with Pearson's chi-square
    /// goodness-of-fit test, as <c>scipy.stats.chisquare(counts, weights / weights.sum() * counts.sum())</c>.
    /// </summary>
    /// <param name="counts">The number of units assigned to each arm.</param>
    /// <param name="weights">The expected weight of each arm, same order; percentages or fractions (only the ratios matter).</param>
    /// <param name="threshold">The p-value below which the result is a mismatch, in (0, 1).</param>
    /// <returns>The statistic, the p-value with k − 1 degrees of freedom, and whether it is a mismatch.</returns>
    /// <remarks>
    /// Arms with weight 0 and no units carry no information and are skipped; an arm with weight 0 that received units
    /// makes the statistic +∞ and the p-value 0 (a mismatch). With no units at all, or fewer than two arms taking part,
    /// there is no evidence: (0, 1, no mismatch).
    /// </remarks>
    /// <exception cref="ArgumentException">
    /// A span is empty, the lengths differ, a count is negative, or a weight is negative, NaN or infinite, or all are 0.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is not in (0, 1).</exception>
    public static SampleRatioMismatchResult Test(ReadOnlySpan<long> counts, ReadOnlySpan<double> weights, double threshold = DefaultThreshold)
    {
        if (!(threshold > 0 && threshold < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be in (0, 1).");
        }

        Internal.Guard.NonNegativeFinite(weights, nameof(weights));
        Internal.Guard.PositiveSum(weights, nameof(weights));
        if (counts.IsEmpty)
        {
            throw new ArgumentException("The counts must not be empty.", nameof(counts));
        }

        Internal.Guard.SameLength(weights.Length, counts.Length, nameof(counts));
        double total = 0;
        foreach (long c in counts)
        {
            if (c < 0)
            {
                throw new ArgumentException("The counts must not be negative.", nameof(counts));
            }

            total += c;
        }

        if (total == 0)
        {
            return new SampleRatioMismatchResult(0, 1, false);
        }

        Span<double> observed = counts.Length <= 64 ? stackalloc double[counts.Length] : new double[counts.Length];
        for (int i = 0; i < counts.Length; i++)
        {
            observed[i] = counts[i];
        }

        TestResult result = ChiSquare.GoodnessOfFit(weights, observed);
        return new SampleRatioMismatchResult(result.Statistic, result.PValue, result.PValue < threshold);
    }
}
