namespace MLOps.Monitoring.Quality.Internal;

/// <summary>
/// Floating-point summation in exactly NumPy's order (<c>pairwise_sum</c>: blocks of 128 with eight accumulators,
/// split recursively above), so sums and means round like scikit-learn's to the last bit. That matters where
/// scikit-learn compares a computed value with zero, such as the R² denominator of a constant target.
/// </summary>
internal static class NumPySum
{
    private const int BlockSize = 128;

    public static double Sum(ReadOnlySpan<double> values)
    {
        int n = values.Length;
        if (n < 8)
        {
            double res = 0.0;
            for (int i = 0; i < n; i++)
            {
                res += values[i];
            }

            return res;
        }

        if (n <= BlockSize)
        {
            double r0 = values[0], r1 = values[1], r2 = values[2], r3 = values[3];
            double r4 = values[4], r5 = values[5], r6 = values[6], r7 = values[7];
            int i = 8;
            for (; i < n - (n % 8); i += 8)
            {
                r0 += values[i];
                r1 += values[i + 1];
                r2 += values[i + 2];
                r3 += values[i + 3];
                r4 += values[i + 4];
                r5 += values[i + 5];
                r6 += values[i + 6];
                r7 += values[i + 7];
            }

            double res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++)
            {
                res += values[i];
            }

            return res;
        }

        int n2 = n / 2;
        n2 -= n2 % 8;
        return Sum(values[..n2]) + Sum(values[n2..]);
    }

    public static double Mean(ReadOnlySpan<double> values) => Sum(values) / values.Length;
}
