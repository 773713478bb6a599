using MLOps.Monitoring.Statistics.Internal;

namespace MLOps.Monitoring.Statistics;

/// <summary>The two-sample Kolmogorov-Smirnov test, reproducing <c>scipy.stats.ks_2samp</c> (SciPy 1.10) exactly.</summary>
/// <remarks>
/// <para>
/// The statistic is D = sup |F_reference(x) − F_current(x)| over the pooled values (ties handled as in SciPy). The p-value
/// is two-sided, with SciPy's <c>method='auto'</c>: when both samples have at most <see cref="ExactMaxSampleSize"/>
/// values it is the exact probability P(D ≥ d) under the null hypothesis, counted on the lattice-path grid (Hodges'
/// method, in the numerically stable form of Viehmann (2021) for unequal sizes and the closed alternating series for
/// equal sizes; cost O(n) for equal sizes and O(max(n₁, n₂) · d · min(n₁, n₂)) otherwise). Above that size, or if the exact
/// computation is not a valid probability, it is <c>kstwo.sf(d, round(n₁n₂ / (n₁ + n₂)))</c>: the exact one-sample
/// Kolmogorov distribution evaluated as in SciPy (Simard and L'Ecuyer's choice of Durbin's matrix method, Pomeranz'
/// recursion, the Pelz-Good expansion, or twice the one-sided Smirnov probability).
/// </para>
/// <para>
/// As in SciPy, in the exact path the returned statistic is D rounded to the lattice: h / lcm(n₁, n₂).
/// </para>
/// </remarks>
public static class KolmogorovSmirnov
{
    /// <summary>The largest sample size for which the exact p-value is computed (SciPy's <c>MAX_AUTO_N</c>, 10,000).</summary>
    public const int ExactMaxSampleSize = 10_000;

    /// <summary>Runs the two-sided two-sample test, as <c>scipy.stats.ks_2samp(reference, current)</c>.</summary>
    /// <param name="reference">The reference sample (any order; not modified).</param>
    /// <param name="current">The current sample (any order; not modified).</param>
    /// <returns>The statistic D and the two-sided p-value.</returns>
    /// <remarks>Sorts pooled copies of the samples in a buffer rented from <see cref="System.Buffers.ArrayPool{T}"/>.</remarks>
    /// <exception cref="ArgumentException">A sample is empty or contains NaN (treat NaN as missing and remove it first).</exception>
    public static TestResult TwoSample(ReadOnlySpan<double> reference, ReadOnlySpan<double> current)
    {
        Guard.NotEmptyNoNaN(reference, nameof(reference));
        Guard.NotEmptyNoNaN(current, nameof(current));

        double[] scratch = Guard.Rent(reference.Length + current.Length);
        try
        {
            Span<double> sortedReference = scratch.AsSpan(0, reference.Length);
            Span<double> sortedCurrent = scratch.AsSpan(reference.Length, current.Length);
            reference.CopyTo(sortedReference);
            current.CopyTo(sortedCurrent);
            sortedReference.Sort();
            sortedCurrent.Sort();
            return Compute(sortedReference, sortedCurrent);
        }
        finally
        {
            Guard.Return(scratch);
        }
    }

    /// <summary>Runs the two-sided two-sample test on samples that are already sorted ascending (no copy, no allocation).</summary>
    /// <param name="sortedReference">The reference sample, sorted ascending.</param>
    /// <param name="sortedCurrent">The current sample, sorted ascending.</param>
    /// <returns>The same result as <see cref="TwoSample"/> on the same values.</returns>
    /// <exception cref="ArgumentException">A sample is empty, contains NaN, or is not sorted ascending.</exception>
    public static TestResult TwoSampleSorted(ReadOnlySpan<double> sortedReference, ReadOnlySpan<double> sortedCurrent)
    {
        ValidateSorted(sortedReference, nameof(sortedReference));
        ValidateSorted(sortedCurrent, nameof(sortedCurrent));
        return Compute(sortedReference, sortedCurrent);
    }

    /// <summary>The KS statistic of two sorted samples: max over pooled values of |i/n1 − j/n2| (as SciPy's searchsorted CDFs).</summary>
    internal static double Statistic(ReadOnlySpan<double> data1, ReadOnlySpan<double> data2)
    {
        int n1 = data1.Length;
        int n2 = data2.Length;
        int i = 0;
        int j = 0;
        double max = double.NegativeInfinity;
        double min = double.PositiveInfinity;
        while (i < n1 || j < n2)
        {
            double x = j >= n2 || (i < n1 && data1[i] <= data2[j]) ? data1[i] : data2[j];
            while (i < n1 && data1[i] == x)
            {
                i++;
            }

            while (j < n2 && data2[j] == x)
            {
                j++;
            }

            double diff = ((double)i / n1) - ((double)j / n2);
            max = Math.Max(max, diff);
            min = Math.Min(min, diff);
        }

        double minS = Math.Clamp(-min, 0, 1);
        return minS > max ? minS : max;
    }

    private static TestResult Compute(ReadOnlySpan<double> data1, ReadOnlySpan<double> data2)
    {
        int n1 = data1.Length;
        int n2 = data2.Length;
        double d = Statistic(data1, data2);

        if (Math.Max(n1, n2) <= ExactMaxSampleSize)
        {
            (bool success, double latticeD, double exact) = KolmogorovSmirnovExact.Attempt(n1, n2, d);
            d = latticeD;
            if (success)
            {
                return new TestResult(d, Math.Clamp(exact, 0, 1));
            }
        }

        // Smirnov's asymptotic: the one-sample two-sided distribution with the effective sample size.
        double m = Math.Max(n1, n2);
        double n = Math.Min(n1, n2);
        double en = m * n / (m + n);
        double p = KolmogorovDistribution.TwoSidedSurvival((long)Math.Round(en, MidpointRounding.ToEven), d);
        return new TestResult(d, Math.Clamp(p, 0, 1));
    }

    private static void ValidateSorted(ReadOnlySpan<double> values, string paramName)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("The sample must not be empty.", paramName);
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsNaN(values[i]))
            {
                throw new ArgumentException("The values must not contain NaN (treat NaN as missing and remove it before calling).", paramName);
            }

            if (i > 0 && values[i] < values[i - 1])
            {
                throw new ArgumentException("The values must be sorted ascending.", paramName);
            }
        }
    }
}
