using System.Buffers;
using MLOps.Monitoring.Statistics.Internal;

namespace MLOps.Monitoring.Statistics;

/// <summary>Multiple-testing corrections of p-values (one test per feature, for dataset-level drift).</summary>
public static class MultipleTesting
{
    /// <summary>Bonferroni correction: adjustedᵢ = min(1, m · pᵢ), controlling the family-wise error rate.</summary>
    /// <param name="pValues">The m p-values.</param>
    /// <param name="adjusted">Receives the adjusted p-values, in the input order; same length as <paramref name="pValues"/> (may be the same memory).</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="pValues"/> is empty or holds a value outside [0, 1] or NaN; or <paramref name="adjusted"/> has the wrong length.
    /// </exception>
    public static void Bonferroni(ReadOnlySpan<double> pValues, Span<double> adjusted)
    {
        Validate(pValues, adjusted);
        int m = pValues.Length;
        for (int i = 0; i < m; i++)
        {
            adjusted[i] = Math.Min(1, pValues[i] * m);
        }
    }

    /// <summary>
    /// Benjamini-Hochberg step-up adjustment, controlling the false discovery rate: the adjusted p-value of the
    /// i-th smallest p-value is min over j ≥ i of m · p₍ⱼ₎ / j, capped at 1 (statsmodels <c>multipletests(method='fdr_bh')</c>,
    /// SciPy 1.11 <c>false_discovery_control</c>).
    /// </summary>
    /// <param name="pValues">The m p-values.</param>
    /// <param name="adjusted">Receives the adjusted p-values, in the input order; same length as <paramref name="pValues"/> (may be the same memory).</param>
    /// <exception cref="ArgumentException">
    /// <paramref name="pValues"/> is empty or holds a value outside [0, 1] or NaN; or <paramref name="adjusted"/> has the wrong length.
    /// </exception>
    public static void BenjaminiHochberg(ReadOnlySpan<double> pValues, Span<double> adjusted)
    {
        Validate(pValues, adjusted);
        int m = pValues.Length;
        double[] sorted = Guard.Rent(m);
        int[] order = ArrayPool<int>.Shared.Rent(m);
        try
        {
            Span<double> keys = sorted.AsSpan(0, m);
            Span<int> index = order.AsSpan(0, m);
            pValues.CopyTo(keys);
            for (int i = 0; i < m; i++)
            {
                index[i] = i;
            }

            keys.Sort(index);

            // Step up from the largest p-value: running minimum of p(j) / (j / m).
            double running = double.PositiveInfinity;
            for (int j = m - 1; j >= 0; j--)
            {
                running = Math.Min(running, keys[j] / ((j + 1) / (double)m));
                keys[j] = Math.Min(1, running);
            }

            for (int j = 0; j < m; j++)
            {
                adjusted[index[j]] = keys[j];
            }
        }
        finally
        {
            Guard.Return(sorted);
            ArrayPool<int>.Shared.Return(order);
        }
    }

    private static void Validate(ReadOnlySpan<double> pValues, Span<double> adjusted)
    {
        if (pValues.IsEmpty)
        {
            throw new ArgumentException("At least one p-value is required.", nameof(pValues));
        }

        foreach (double p in pValues)
        {
            if (!(p >= 0 && p <= 1))
            {
                throw new ArgumentException("P-values must lie in [0, 1] and must not be NaN.", nameof(pValues));
            }
        }

        Guard.SameLength(pValues.Length, adjusted.Length, nameof(adjusted));
    }
}
