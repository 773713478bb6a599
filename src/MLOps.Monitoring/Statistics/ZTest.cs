using MathNet.Numerics;

namespace MLOps.Monitoring.Statistics;

/// <summary>The pooled two-proportion z-test (for binary features and rare categories).</summary>
public static class ZTest
{
    /// <summary>Tests whether the success rate of the current sample differs from the reference rate.</summary>
    /// <param name="referenceSuccesses">The number of successes (for example value = 1) in the reference sample.</param>
    /// <param name="referenceTotal">The reference sample size.</param>
    /// <param name="currentSuccesses">The number of successes in the current sample.</param>
    /// <param name="currentTotal">The current sample size.</param>
    /// <returns>
    /// The z score (p_current − p_reference) / √(p̂(1 − p̂)(1/n_reference + 1/n_current)), with p̂ the pooled rate, and the
    /// two-sided p-value 2·(1 − Φ(|z|)). When the pooled rate is 0 or 1 (both samples all failures or all successes)
    /// the rates are identical and the result is (0, 1).
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException">A total is not positive, or a success count is negative or larger than its total.</exception>
    public static TestResult TwoProportions(long referenceSuccesses, long referenceTotal, long currentSuccesses, long currentTotal)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(referenceTotal);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(currentTotal);
        ArgumentOutOfRangeException.ThrowIfNegative(referenceSuccesses);
        ArgumentOutOfRangeException.ThrowIfNegative(currentSuccesses);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(referenceSuccesses, referenceTotal);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(currentSuccesses, currentTotal);

        double referenceRate = (double)referenceSuccesses / referenceTotal;
        double currentRate = (double)currentSuccesses / currentTotal;
        double pooled = ((double)referenceSuccesses + currentSuccesses) / ((double)referenceTotal + currentTotal);
        double variance = pooled * (1 - pooled) * ((1.0 / referenceTotal) + (1.0 / currentTotal));
        if (variance <= 0)
        {
            return new TestResult(0, 1);
        }

        double z = (currentRate - referenceRate) / Math.Sqrt(variance);
        return new TestResult(z, TwoSidedNormalPValue(z));
    }

    /// <summary>2·(1 − Φ(|z|)) = erfc(|z| / √2), accurate in the far tail.</summary>
    internal static double TwoSidedNormalPValue(double z) =>
        Math.Min(1, SpecialFunctions.Erfc(Math.Abs(z) / Math.Sqrt(2)));
}
