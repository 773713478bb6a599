using MLOps.Monitoring.Statistics.Internal;

namespace MLOps.Monitoring.Statistics;

/// <summary>The population stability index (PSI) between a reference and a current binned distribution.</summary>
/// <remarks>
/// PSI = Σ (rᵢ − cᵢ) · ln(rᵢ / cᵢ) over the bins, where rᵢ and cᵢ are the reference and current shares. A share of
/// exactly 0 is replaced by <see cref="EmptyShare"/> before the sum (as Evidently does), so an empty bin gives a large
/// but finite contribution; a bin empty on both sides contributes 0. Common reading: &lt; 0.1 no significant change,
/// 0.1–0.25 moderate, ≥ 0.25 significant (Evidently's default drift threshold is 0.1).
/// </remarks>
public static class PopulationStabilityIndex
{
    /// <summary>The share that replaces an empty bin's share of 0 (10⁻⁴, Evidently's value).</summary>
    public const double EmptyShare = 1e-4;

    /// <summary>Computes the PSI from bin shares.</summary>
    /// <param name="referenceShares">The reference share per bin (normally summing to 1; used as given).</param>
    /// <param name="currentShares">The current share per bin, same length and bin order as <paramref name="referenceShares"/>.</param>
    /// <returns>The PSI (≥ 0 when both share vectors sum to 1).</returns>
    /// <exception cref="ArgumentException">
    /// A span is empty or contains a negative, NaN or infinite share, or the lengths differ.
    /// </exception>
    public static double Compute(ReadOnlySpan<double> referenceShares, ReadOnlySpan<double> currentShares)
    {
        Guard.NonNegativeFinite(referenceShares, nameof(referenceShares));
        Guard.NonNegativeFinite(currentShares, nameof(currentShares));
        Guard.SameLength(referenceShares.Length, currentShares.Length, nameof(currentShares));

        double psi = 0;
        for (int i = 0; i < referenceShares.Length; i++)
        {
            psi += Term(referenceShares[i], currentShares[i]);
        }

        return psi;
    }

    /// <summary>Computes the PSI from bin counts (each side divided by its own total first).</summary>
    /// <param name="referenceCounts">The reference count per bin.</param>
    /// <param name="currentCounts">The current count per bin, same length and bin order as <paramref name="referenceCounts"/>.</param>
    /// <returns>The PSI of the two share vectors.</returns>
    /// <exception cref="ArgumentException">
    /// A span is empty, contains a negative, NaN or infinite count, sums to 0, or the lengths differ.
    /// </exception>
    public static double FromCounts(ReadOnlySpan<double> referenceCounts, ReadOnlySpan<double> currentCounts)
    {
        (double referenceTotal, double currentTotal) = Guard.PairedHistograms(referenceCounts, currentCounts, nameof(referenceCounts), nameof(currentCounts));

        double psi = 0;
        for (int i = 0; i < referenceCounts.Length; i++)
        {
            psi += Term(referenceCounts[i] / referenceTotal, currentCounts[i] / currentTotal);
        }

        return psi;
    }

    private static double Term(double reference, double current)
    {
        if (reference == 0)
        {
            reference = EmptyShare;
        }

        if (current == 0)
        {
            current = EmptyShare;
        }

        return (reference - current) * Math.Log(reference / current);
    }
}
