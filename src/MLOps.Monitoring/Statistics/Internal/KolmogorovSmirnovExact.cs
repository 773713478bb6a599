namespace MLOps.Monitoring.Statistics.Internal;

/// <summary>
/// Exact two-sided p-values of the two-sample KS statistic (SciPy 1.10 <c>_attempt_exact_2kssamp</c>,
/// <c>_compute_prob_outside_square</c>, <c>_compute_outer_prob_inside_method</c>).
/// </summary>
internal static class KolmogorovSmirnovExact
{
    /// <summary>Rounds d to the lattice (h / lcm) and computes P(D ≥ d); success is false when the result is not a probability.</summary>
    public static (bool Success, double D, double P) Attempt(int n1, int n2, double d)
    {
        long g = Gcd(n1, n2);
        long lcm = n1 / g * n2;
        long h = (long)Math.Round(d * lcm, MidpointRounding.ToEven);
        d = h * 1.0 / lcm;
        if (h == 0)
        {
            return (true, d, 1.0);
        }

        double p = n1 == n2 ? ProbOutsideSquare(n1, h) : OuterProbInsideMethod(n1, n2, g, h);
        return p >= 0 && p <= 1 ? (true, d, p) : (false, d, p);
    }

    /// <summary>P(D_{n,n} ≥ h/n) = 2 Σ (−1)^(k−1) C(2n, n − kh) / C(2n, n), evaluated Horner-style.</summary>
    public static double ProbOutsideSquare(long n, long h)
    {
        double p = 0.0;
        long k = (long)Math.Floor((double)n / h);
        while (k >= 0)
        {
            double p1 = 1.0;
            for (long j = 0; j < h; j++)
            {
                p1 = (n - (k * h) - j) * p1 / (n + (k * h) + j + 1);
            }

            p = p1 * (1.0 - p);
            k--;
        }

        return 2 * p;
    }

    /// <summary>
    /// The proportion of lattice paths from (0, 0) to (m, n) that leave the band |x/m − y/n| &lt; h / lcm(m, n)
    /// (Hodges' inside method with Viehmann's recursion for 1 − p).
    /// </summary>
    public static double OuterProbInsideMethod(long m, long n, long g, long h)
    {
        if (m < n)
        {
            (m, n) = (n, m);
        }

        long mg = m / g;
        long ng = n / g;

        long minj = 0;
        long maxj = Math.Min((long)Math.Ceiling((double)h / mg), n + 1);
        long curlen = maxj - minj;
        int lenA = (int)Math.Min((2 * maxj) + 2, n + 1);
        double[] rented = Guard.Rent(lenA);
        try
        {
            Span<double> a = rented.AsSpan(0, lenA);
            a.Fill(1.0);
            a[(int)minj..(int)maxj].Clear();
            for (long i = 1; i <= m; i++)
            {
                long lastminj = minj;
                long lastlen = curlen;
                minj = Math.Max((long)Math.Floor((double)((ng * i) - h) / mg) + 1, 0);
                minj = Math.Min(minj, n);
                maxj = Math.Min((long)Math.Ceiling((double)((ng * i) + h) / mg), n + 1);
                if (maxj <= minj)
                {
                    return 1.0;
                }

                // val_j = (A_old[j] * i + val_{j-1} * j) / (i + j), evaluated as A_old[j] * (i / (i + j)) + val_{j-1} * (j / (i + j))
                // with one fused multiply-add on the loop-carried dependency (the division is off the critical
                // path), which is ~4x faster than SciPy's form and agrees with it to rounding (1e-13 on the vectors).
                double val = minj == 0 ? 0.0 : 1.0;
                double fi = i;
                double fj = minj;
                int offset = (int)(minj - lastminj);
                int count = (int)(maxj - minj);
                for (int jj = 0; jj < count; jj++)
                {
                    double inverse = 1.0 / (fi + fj);
                    val = Math.FusedMultiplyAdd(val, fj * inverse, a[jj + offset] * (fi * inverse));
                    a[jj] = val;
                    fj += 1;
                }

                curlen = maxj - minj;
                if (lastlen > curlen)
                {
                    int start = (int)(maxj - minj);
                    int stop = (int)Math.Min(maxj - minj + (lastlen - curlen), lenA);
                    a[start..stop].Fill(1.0);
                }
            }

            return a[(int)(maxj - minj - 1)];
        }
        finally
        {
            Guard.Return(rented);
        }
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
