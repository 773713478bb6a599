using MathNet.Numerics;
using MLOps.Monitoring.Statistics.Internal;

namespace MLOps.Monitoring.Statistics;

/// <summary>Pearson's chi-square goodness-of-fit test of current category counts against a reference distribution.</summary>
public static class ChiSquare
{
    /// <summary>
    /// Tests whether the current counts follow the reference distribution, as
    /// <c>scipy.stats.chisquare(current, f_exp=reference / reference.sum() * current.sum())</c>.
    /// </summary>
    /// <param name="referenceCounts">The reference count per category (defines the expected shares).</param>
    /// <param name="currentCounts">The current count per category, same length and order as <paramref name="referenceCounts"/>.</param>
    /// <returns>
    /// The statistic Σ (observedᵢ − expectedᵢ)² / expectedᵢ and its p-value from the chi-square survival function with
    /// k − 1 degrees of freedom, k being the number of categories taking part (see remarks).
    /// </returns>
    /// <remarks>
    /// <para>Expected counts are the reference shares scaled to the current total.</para>
    /// <para>
    /// Categories that are empty on <b>both</b> sides carry no information and are skipped (SciPy would return NaN);
    /// they do not count towards k. A category empty in the reference but present in the current counts (a category
    /// never seen in training) makes the statistic +∞ and the p-value 0, as in SciPy: that is drift by definition.
    /// With fewer than two categories taking part the test has no degrees of freedom and the result is
    /// (statistic 0, p-value 1).
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentException">
    /// A span is empty, contains a negative, NaN or infinite count, sums to 0, or the lengths differ.
    /// </exception>
    public static TestResult GoodnessOfFit(ReadOnlySpan<double> referenceCounts, ReadOnlySpan<double> currentCounts)
    {
        (double referenceTotal, double currentTotal) = Guard.PairedHistograms(referenceCounts, currentCounts, nameof(referenceCounts), nameof(currentCounts));

        double statistic = 0;
        int categories = 0;
        for (int i = 0; i < referenceCounts.Length; i++)
        {
            double observed = currentCounts[i];
            if (referenceCounts[i] == 0 && observed == 0)
            {
                continue;
            }

            categories++;
            double expected = referenceCounts[i] / referenceTotal * currentTotal;
            double diff = observed - expected;
            statistic += diff * diff / expected;
        }

        if (categories < 2)
        {
            return new TestResult(0, 1);
        }

        return new TestResult(statistic, SurvivalFunction(statistic, categories - 1));
    }

    /// <summary>The chi-square survival function Q(k/2, x/2) (SciPy's <c>chi2.sf</c>).</summary>
    internal static double SurvivalFunction(double x, int degreesOfFreedom)
    {
        if (double.IsPositiveInfinity(x))
        {
            return 0;
        }

        if (x <= 0)
        {
            return 1;
        }

        return Math.Clamp(SpecialFunctions.GammaUpperRegularized(degreesOfFreedom / 2.0, x / 2.0), 0, 1);
    }
}
