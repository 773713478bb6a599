using MLOps.Monitoring.Statistics.Internal;

namespace MLOps.Monitoring.Statistics;

/// <summary>The Jensen-Shannon distance between two discrete distributions (for example binned shares).</summary>
public static class JensenShannon
{
    /// <summary>Computes <c>scipy.spatial.distance.jensenshannon(p, q)</c> (natural logarithm).</summary>
    /// <param name="p">The first distribution (counts or shares; normalized to sum 1 here).</param>
    /// <param name="q">The second distribution, same length and bin order as <paramref name="p"/>.</param>
    /// <returns>
    /// √(½ KL(p ‖ m) + ½ KL(q ‖ m)) with m = (p + q) / 2, in [0, √ln 2]. A rounding result just below 0 is returned
    /// as 0 (SciPy would return NaN).
    /// </returns>
    /// <exception cref="ArgumentException">
    /// A span is empty, contains a negative, NaN or infinite value, sums to 0, or the lengths differ.
    /// </exception>
    public static double Distance(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        (double pTotal, double qTotal) = Guard.PairedHistograms(p, q, nameof(p), nameof(q));

        double left = 0;
        double right = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double pi = p[i] / pTotal;
            double qi = q[i] / qTotal;
            double m = (pi + qi) / 2.0;
            left += RelativeEntropy(pi, m);
            right += RelativeEntropy(qi, m);
        }

        return Math.Sqrt(Math.Max(0, (left + right) / 2.0));
    }

    private static double RelativeEntropy(double x, double y) => x > 0 ? x * Math.Log(x / y) : 0;
}
