using MLOps.Monitoring.Statistics.Internal;

namespace MLOps.Monitoring.Statistics;

/// <summary>The first Wasserstein (earth mover's) distance between two one-dimensional samples.</summary>
public static class Wasserstein
{
    /// <summary>The floor of the reference standard deviation used by <see cref="NormedDistance"/> (0.001, Evidently's value).</summary>
    public const double MinimumScale = 0.001;

    /// <summary>Computes <c>scipy.stats.wasserstein_distance(u, v)</c>: the area between the two empirical CDFs.</summary>
    /// <param name="u">The first sample (not modified).</param>
    /// <param name="v">The second sample (not modified).</param>
    /// <returns>The distance, in the units of the data (≥ 0).</returns>
    /// <exception cref="ArgumentException">A sample is empty or contains NaN or an infinity.</exception>
    public static double Distance(ReadOnlySpan<double> u, ReadOnlySpan<double> v)
    {
        Guard.NotEmptyFinite(u, nameof(u));
        Guard.NotEmptyFinite(v, nameof(v));

        double[] scratch = Guard.Rent(u.Length + v.Length);
        try
        {
            Span<double> su = scratch.AsSpan(0, u.Length);
            Span<double> sv = scratch.AsSpan(u.Length, v.Length);
            u.CopyTo(su);
            v.CopyTo(sv);
            su.Sort();
            sv.Sort();
            return DistanceSortedCore(su, sv);
        }
        finally
        {
            Guard.Return(scratch);
        }
    }

    /// <summary>Computes the distance between samples that are already sorted ascending (no copy, no allocation).</summary>
    /// <param name="sortedU">The first sample, sorted ascending.</param>
    /// <param name="sortedV">The second sample, sorted ascending.</param>
    /// <returns>The same value as <see cref="Distance"/> on the same values.</returns>
    /// <exception cref="ArgumentException">A sample is empty, contains NaN or an infinity, or is not sorted ascending.</exception>
    public static double DistanceSorted(ReadOnlySpan<double> sortedU, ReadOnlySpan<double> sortedV)
    {
        Guard.SortedFinite(sortedU, nameof(sortedU));
        Guard.SortedFinite(sortedV, nameof(sortedV));
        return DistanceSortedCore(sortedU, sortedV);
    }

    /// <summary>
    /// Computes the Wasserstein distance divided by the reference's population standard deviation (floored at
    /// <see cref="MinimumScale"/>), Evidently's scale-free "normed Wasserstein" drift score.
    /// </summary>
    /// <param name="reference">The reference sample.</param>
    /// <param name="current">The current sample.</param>
    /// <returns><c>wasserstein_distance(reference, current) / max(np.std(reference), 0.001)</c>.</returns>
    /// <exception cref="ArgumentException">A sample is empty or contains NaN or an infinity.</exception>
    public static double NormedDistance(ReadOnlySpan<double> reference, ReadOnlySpan<double> current)
    {
        Guard.NotEmptyFinite(reference, nameof(reference));
        Guard.NotEmptyFinite(current, nameof(current));
        double distance = Distance(reference, current);
        return distance / Math.Max(PopulationStandardDeviation(reference), MinimumScale);
    }

    /// <summary>The distance between two sorted samples: Σ |F_u − F_v| · Δx over the pooled sorted values.</summary>
    private static double DistanceSortedCore(ReadOnlySpan<double> u, ReadOnlySpan<double> v)
    {
        int n = u.Length;
        int m = v.Length;
        int i = 0;
        int j = 0;
        double sum = 0;

        // Walk the pooled sorted values; between consecutive pooled values x_k <= x_{k+1} the CDFs are
        // F_u = #(u <= x_k) / n and F_v = #(v <= x_k) / m.
        double previous = Math.Min(u[0], v[0]);
        while (i < n || j < m)
        {
            double x = j >= m || (i < n && u[i] <= v[j]) ? u[i] : v[j];
            if (x != previous)
            {
                double diff = Math.Abs(((double)i / n) - ((double)j / m));
                sum += diff * (x - previous);
                previous = x;
            }

            while (i < n && u[i] == x)
            {
                i++;
            }

            while (j < m && v[j] == x)
            {
                j++;
            }
        }

        return sum;
    }

    /// <summary>The population standard deviation (NumPy's <c>np.std</c>, ddof = 0), two-pass.</summary>
    internal static double PopulationStandardDeviation(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double x in values)
        {
            sum += x;
        }

        double mean = sum / values.Length;
        double squares = 0;
        foreach (double x in values)
        {
            double d = x - mean;
            squares += d * d;
        }

        return Math.Sqrt(squares / values.Length);
    }
}
