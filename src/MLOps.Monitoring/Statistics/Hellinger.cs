using MLOps.Monitoring.Statistics.Internal;

namespace MLOps.Monitoring.Statistics;

/// <summary>The Hellinger distance between two discrete distributions (for example binned shares).</summary>
public static class Hellinger
{
    /// <summary>Computes √(½ Σ (√pᵢ − √qᵢ)²) of the normalized inputs.</summary>
    /// <param name="p">The first distribution (counts or shares; normalized to sum 1 here).</param>
    /// <param name="q">The second distribution, same length and bin order as <paramref name="p"/>.</param>
    /// <returns>The distance, in [0, 1].</returns>
    /// <exception cref="ArgumentException">
    /// A span is empty, contains a negative, NaN or infinite value, sums to 0, or the lengths differ.
    /// </exception>
    public static double Distance(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        (double pTotal, double qTotal) = Guard.PairedHistograms(p, q, nameof(p), nameof(q));

        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double d = Math.Sqrt(p[i] / pTotal) - Math.Sqrt(q[i] / qTotal);
            sum += d * d;
        }

        return Math.Min(1, Math.Sqrt(sum / 2));
    }
}
