namespace MLOps.Monitoring.Statistics.Internal;

/// <summary>
/// The distribution of the one-sample two-sided Kolmogorov-Smirnov statistic D_n (SciPy 1.10 <c>kstwo</c>,
/// <c>scipy/stats/_ksstats.py</c>) and the one-sided Smirnov distribution (<c>scipy.special.smirnov</c>).
/// </summary>
internal static class KolmogorovDistribution
{
    private const int E128 = 128;
    private const double Ep128 = 3.402823669209385e38; // 2^128
    private const double Em128 = 2.938735877055719e-39; // 2^-128
    private const double MinLog = -708;
    private const double CephesMinLog = -7.451332191019412076235E2;
    private const int SmirnovMaxComputeN = 1_000_000;
    private const double DoubleEpsilon = 2.220446049250313e-16;
    private static readonly double Sqrt2Pi = Math.Sqrt(2 * Math.PI);
    private static readonly double Log2Pi = Math.Log(2 * Math.PI);
    private static readonly double Sqrt3 = Math.Sqrt(3);
    private static readonly double PiSquared = Math.PI * Math.PI;
    private static readonly double PiFour = Math.Pow(Math.PI, 4);
    private static readonly double PiSix = Math.Pow(Math.PI, 6);

    private static readonly double[] StirlingCoefficients =
    [
        -2.955065359477124183e-2, 6.4102564102564102564e-3,
        -1.9175269175269175269e-3, 8.4175084175084175084e-4,
        -5.952380952380952381e-4, 7.9365079365079365079e-4,
        -2.7777777777777777778e-3, 8.3333333333333333333e-2,
    ];

    /// <summary><c>scipy.stats.kstwo.sf(x, n)</c>: P(D_n &gt; x), with the distribution's support [0.5/n, 1].</summary>
    public static double TwoSidedSurvival(long n, double x)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);

        if (x <= 0.5 / n)
        {
            return 1.0;
        }

        if (x >= 1.0)
        {
            return 0.0;
        }

        return Kolmogn(n, x, cdf: false);
    }

    /// <summary>SciPy's <c>_kolmogn</c>: the CDF or SF of D_n (Simard and L'Ecuyer's choice of method).</summary>
    public static double Kolmogn(long n, double x, bool cdf)
    {
        if (x >= 1.0)
        {
            return Select(1.0, 0.0, cdf);
        }

        if (x <= 0.0)
        {
            return Select(0.0, 1.0, cdf);
        }

        double t = n * x;
        if (t <= 1.0)
        {
            // Ruben-Gambino: 1/2n <= x <= 1/n.
            if (t <= 0.5)
            {
                return Select(0.0, 1.0, cdf);
            }

            double prob;
            if (n <= 140)
            {
                prob = 1.0;
                for (long i = 1; i <= n; i++)
                {
                    prob *= i * (1.0 / n) * ((2 * t) - 1);
                }
            }
            else
            {
                prob = Math.Exp(LogNFactorialDivNPowN(n) + (n * Math.Log((2 * t) - 1)));
            }

            return Select(prob, 1.0 - prob, cdf);
        }

        if (t >= n - 1)
        {
            // Ruben-Gambino.
            double prob = 2 * Math.Pow(1.0 - x, n);
            return Select(1 - prob, prob, cdf);
        }

        if (x >= 0.5)
        {
            double prob = 2 * Smirnov(n, x);
            return Select(1.0 - prob, prob, cdf);
        }

        double nxSquared = t * x;
        if (n <= 140)
        {
            if (nxSquared <= 0.754693)
            {
                double prob = Durbin(n, x);
                return Select(prob, 1.0 - prob, cdf);
            }

            if (nxSquared <= 4)
            {
                double prob = Pomeranz(n, x);
                return Select(prob, 1.0 - prob, cdf);
            }

            double smirnov = 2 * Smirnov(n, x);
            return Select(1.0 - smirnov, smirnov, cdf);
        }

        if (!cdf)
        {
            if (nxSquared >= 370.0)
            {
                return 0.0;
            }

            if (nxSquared >= 2.2)
            {
                return Math.Clamp(2 * Smirnov(n, x), 0, 1);
            }
        }

        double cdfProb;
        if (nxSquared >= 18.0)
        {
            cdfProb = 1.0;
        }
        else if (n <= 100000 && n * Math.Pow(x, 1.5) <= 1.4)
        {
            cdfProb = Durbin(n, x);
        }
        else
        {
            cdfProb = PelzGood(n, x);
        }

        return Select(cdfProb, 1.0 - cdfProb, cdf);
    }

    /// <summary>
    /// Durbin's matrix algorithm in the form of Marsaglia, Tsang and Wang (2003): P(D_n ≤ d), clipped to [0, 1].
    /// </summary>
    public static double Durbin(long n, double d)
    {
        if (d >= 1.0)
        {
            return 1.0;
        }

        double nd = n * d;
        if (nd <= 0.5)
        {
            return 0.0;
        }

        int k = (int)Math.Ceiling(nd);
        double h = k - nd;
        int m = (2 * k) - 1;
        int size = m * m;
        double[] rented = Guard.Rent((4 * size) + (2 * m));
        try
        {
            Span<double> all = rented.AsSpan(0, (4 * size) + (2 * m));
            Span<double> hm = all[..size];
            Span<double> power = all.Slice(size, size);
            Span<double> product = all.Slice(2 * size, size);
            Span<double> square = all.Slice(3 * size, size);
            Span<double> v = all.Slice(4 * size, m);
            Span<double> w = all.Slice((4 * size) + m, m);

            double fac = 1.0;
            for (int j = 1; j <= m; j++)
            {
                v[j - 1] = 1.0 - Math.Pow(h, j);
                w[j - 1] = fac;
                fac /= j;
                v[j - 1] *= fac;
            }

            double tt = Math.Pow(Math.Max((2 * h) - 1.0, 0), m) - (2 * Math.Pow(h, m));
            v[m - 1] = (1.0 + tt) * fac;

            hm.Clear();
            for (int i = 1; i < m; i++)
            {
                // H[i-1:, i] = w[:m-i+1]
                for (int r = i - 1; r < m; r++)
                {
                    hm[(r * m) + i] = w[r - (i - 1)];
                }
            }

            for (int r = 0; r < m; r++)
            {
                hm[r * m] = v[r];
            }

            for (int c = 0; c < m; c++)
            {
                hm[((m - 1) * m) + c] = v[m - 1 - c];
            }

            power.Clear();
            for (int i = 0; i < m; i++)
            {
                power[(i * m) + i] = 1.0;
            }

            long nn = n;
            int exponent = 0;
            int hExponent = 0;
            while (nn > 0)
            {
                if (nn % 2 != 0)
                {
                    Multiply(power, hm, product, m);
                    product.CopyTo(power);
                    exponent += hExponent;
                }

                Multiply(hm, hm, square, m);
                square.CopyTo(hm);
                hExponent *= 2;
                if (Math.Abs(hm[((k - 1) * m) + k - 1]) > Ep128)
                {
                    for (int i = 0; i < size; i++)
                    {
                        hm[i] /= Ep128;
                    }

                    hExponent += E128;
                }

                nn /= 2;
            }

            double p = power[((k - 1) * m) + k - 1];
            for (long i = 1; i <= n; i++)
            {
                p = i * p / n;
                if (Math.Abs(p) < Em128)
                {
                    p *= Ep128;
                    exponent -= E128;
                }
            }

            if (exponent != 0)
            {
                p = Math.ScaleB(p, exponent);
            }

            return Math.Clamp(p, 0, 1);
        }
        finally
        {
            Guard.Return(rented);
        }
    }

    /// <summary>Pomeranz' recursion (1974): P(D_n ≤ x), clipped to [0, 1].</summary>
    public static double Pomeranz(long n, double x)
    {
        double t = n * x;
        long ll = (long)Math.Floor(t);
        double f = 1.0 * (t - ll);
        double g = Math.Min(f, 1.0 - f);
        int ceilf = f > 0 ? 1 : 0;
        int roundf = f > 0.5 ? 1 : 0;
        int npwrs = (int)(2 * (ll + 1));

        double[] rented = Guard.Rent((6 * npwrs) + 1);
        try
        {
            Span<double> all = rented.AsSpan(0, (6 * npwrs) + 1);
            Span<double> gpower = all[..npwrs];
            Span<double> twogpower = all.Slice(npwrs, npwrs);
            Span<double> onem2gpower = all.Slice(2 * npwrs, npwrs);
            Span<double> rowA = all.Slice(3 * npwrs, npwrs);
            Span<double> rowB = all.Slice(4 * npwrs, npwrs);
            Span<double> conv = all.Slice(5 * npwrs, npwrs + 1);

            gpower[0] = 1.0;
            twogpower[0] = 1.0;
            onem2gpower[0] = 1.0;
            int exponent = 0;
            double gOverN = g / n;
            double twoGOverN = 2 * g / n;
            double oneMinusTwoGOverN = (1 - (2 * g)) / n;
            for (int m = 1; m < npwrs; m++)
            {
                gpower[m] = gpower[m - 1] * gOverN / m;
                twogpower[m] = twogpower[m - 1] * twoGOverN / m;
                onem2gpower[m] = onem2gpower[m - 1] * oneMinusTwoGOverN / m;
            }

            Span<double> v0 = rowA;
            Span<double> v1 = rowB;
            v0.Clear();
            v1.Clear();
            v1[0] = 1;
            long v0s = 0;
            long v1s = 0;
            (long j1, long j2) = PomeranzJ1J2(0, n, ll, ceilf, roundf);
            for (long i = 1; i < (2 * n) + 2; i++)
            {
                long k1 = j1;
                Span<double> swap = v0;
                v0 = v1;
                v1 = swap;
                (v0s, v1s) = (v1s, v0s);
                v1.Clear();
                (j1, j2) = PomeranzJ1J2(i, n, ll, ceilf, roundf);
                Span<double> pwrs = i == 1 || i == (2 * n) + 1 ? gpower : (i % 2 != 0 ? twogpower : onem2gpower);
                long ln2 = j2 - k1 + 1;
                if (ln2 > 0)
                {
                    // conv = np.convolve(V0[k1 - V0s : k1 - V0s + ln2], pwrs[:ln2]); keep conv[j1 - k1 : j1 - k1 + (j2 - j1 + 1)].
                    ReadOnlySpan<double> a = PySlice(v0, k1 - v0s, k1 - v0s + ln2);
                    ReadOnlySpan<double> b = PySlice(pwrs, 0, ln2);
                    long convStart = j1 - k1;
                    long convLen = j2 - j1 + 1;
                    int fullLength = a.Length + b.Length - 1;
                    long stop = Math.Min(convStart + convLen, fullLength);
                    double max = double.NegativeInfinity;
                    for (long c = convStart; c < stop; c++)
                    {
                        double sum = 0;
                        int lo = (int)Math.Max(0, c - (b.Length - 1));
                        int hi = (int)Math.Min(c, a.Length - 1);
                        for (int q = lo; q <= hi; q++)
                        {
                            sum += a[q] * b[(int)c - q];
                        }

                        conv[(int)(c - convStart)] = sum;
                    }

                    for (long c = convStart; c < stop; c++)
                    {
                        v1[(int)(c - convStart)] = conv[(int)(c - convStart)];
                    }

                    foreach (double value in v1)
                    {
                        max = Math.Max(max, value);
                    }

                    if (max > 0 && max < Em128)
                    {
                        for (int q = 0; q < v1.Length; q++)
                        {
                            v1[q] *= Ep128;
                        }

                        exponent -= E128;
                    }

                    v1s = v0s + j1 - k1;
                }
            }

            double ans = v1[(int)(n - v1s)];
            for (long m = 1; m <= n; m++)
            {
                if (Math.Abs(ans) > Ep128)
                {
                    ans *= Em128;
                    exponent += E128;
                }

                ans *= m;
            }

            if (exponent != 0)
            {
                ans = Math.ScaleB(ans, exponent);
            }

            return Math.Clamp(ans, 0, 1);
        }
        finally
        {
            Guard.Return(rented);
        }
    }

    /// <summary>The Pelz-Good (1976) asymptotic expansion of P(D_n ≤ x) (not clipped, as in SciPy).</summary>
    public static double PelzGood(long n, double x)
    {
        if (x <= 0.0)
        {
            return 0.0;
        }

        if (x >= 1.0)
        {
            return 1.0;
        }

        double z = Math.Sqrt(n) * x;
        double zsquared = z * z;
        double zthree = z * z * z;
        double zfour = Math.Pow(z, 4);
        double zsix = Math.Pow(z, 6);
        double qlog = -PiSquared / 8 / zsquared;
        if (qlog < MinLog)
        {
            return 0.0;
        }

        double q = Math.Exp(qlog);
        double k1a = -zsquared;
        double k1b = PiSquared / 4;
        double k2a = (6 * zsix) + (2 * zfour);
        double k2b = ((2 * zfour) - (5 * zsquared)) * PiSquared / 4;
        double k2c = PiFour * (1 - (2 * zsquared)) / 16;
        double k3d = PiSix * (5 - (30 * zsquared)) / 64;
        double k3c = PiFour * ((-60 * zsquared) + (212 * zfour)) / 16;
        double k3b = PiSquared * ((135 * zfour) - (96 * zsix)) / 4;
        double k3a = (-30 * zsix) - (90 * Math.Pow(z, 8));

        double k0 = 0;
        double kk1 = 0;
        double kk2 = 0;
        double kk3 = 0;
        int maxk = (int)Math.Ceiling(16 * z / Math.PI);
        for (int k = maxk; k > 0; k--)
        {
            double m = (2 * k) - 1;
            double msquared = m * m;
            double mfour = Math.Pow(m, 4);
            double msix = Math.Pow(m, 6);
            double qpower = Math.Pow(q, 8 * k);
            k0 = (k0 * qpower) + 1.0;
            kk1 = (kk1 * qpower) + (k1a + (k1b * msquared));
            kk2 = (kk2 * qpower) + (k2a + (k2b * msquared) + (k2c * mfour));
            kk3 = (kk3 * qpower) + (k3a + (k3b * msquared) + (k3c * mfour) + (k3d * msix));
        }

        k0 = k0 * q * Sqrt2Pi / z;
        kk1 = kk1 * q * Sqrt2Pi / (6 * zfour);
        kk2 = kk2 * q * Sqrt2Pi / (72 * Math.Pow(z, 7));
        kk3 = kk3 * q * Sqrt2Pi / (6480 * Math.Pow(z, 10));

        q = Math.Exp(-PiSquared / 2 / zsquared);
        double sqrt3z = Sqrt3 * z;
        double k2extra = 0;
        double k3extra = 0;
        for (int k = maxk; k > 0; k--)
        {
            double ksquared = (double)k * k;
            double qpower = Math.Pow(q, ksquared);
            double kspi = Math.PI * k;
            k2extra += ksquared * qpower;
            k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ksquared * qpower;
        }

        k2extra *= PiSquared * Sqrt2Pi / (-36 * zthree);
        kk2 += k2extra;
        k3extra *= PiSquared * Sqrt2Pi / (216 * zsix);
        kk3 += k3extra;

        double nd = n;
        kk1 /= Math.Sqrt(nd);
        kk2 /= nd;
        kk3 /= Math.Pow(nd, 1.5);
        return k0 + kk1 + kk2 + kk3;
    }

    /// <summary>
    /// <c>scipy.special.smirnov(n, x)</c>: the one-sided P(D⁺_n ≥ x), by the Smirnov/Birnbaum-Tingey sum evaluated in
    /// log space with n·x split exactly into its integer and fractional parts.
    /// </summary>
    public static double Smirnov(long n, double x)
    {
        if (!(n > 0 && x >= 0.0 && x <= 1.0))
        {
            return double.NaN;
        }

        if (n == 1)
        {
            return 1 - x;
        }

        if (x == 0.0)
        {
            return 1.0;
        }

        if (x == 1.0)
        {
            return 0.0;
        }

        // n * x = nxfl + alpha exactly (up to the rounding of the low part), 0 <= alpha < 1.
        double hi = n * x;
        double lo = Math.FusedMultiplyAdd(n, x, -hi);
        double floorHi = Math.Floor(hi);
        long nxfl = (long)floorHi;
        double alpha = (hi - floorHi) + lo;
        if (alpha < 0)
        {
            nxfl--;
            alpha += 1;
        }

        if (alpha >= 1)
        {
            nxfl++;
            alpha -= 1;
        }

        if (nxfl == 0 || (nxfl == 1 && alpha == 0))
        {
            // x <= 1/n: sf = 1 - x (1 + x)^(n - 1).
            return Math.Clamp(1 - (x * Math.Pow(1 + x, n - 1)), 0, 1);
        }

        if (-2 * n * x * x < CephesMinLog)
        {
            return 0.0;
        }

        if (nxfl >= n - 1)
        {
            return Math.Clamp(Math.Pow(1 - x, n), 0, 1);
        }

        if (n > SmirnovMaxComputeN)
        {
            double logp = -Math.Pow((6.0 * n * x) + 1, 2) / 18.0 / n;
            return logp < -Math.Log(2) ? Math.Exp(logp) : 1 + ExpM1(logp);
        }

        // Lower sum: sf = x Σ_{v=0}^{⌊n(1−x)⌋} C(n,v) (x + v/n)^(v−1) (1 − x − v/n)^(n−v); when n(1−x) is an integer the
        // last term is 0 and is skipped.
        long lastV = n - nxfl - 1;
        double logN = Math.Log(n);
        double logX = Math.Log(x);
        // log C(n, v) and the sum are accumulated with Kahan compensation: over up to n terms the plain running sum of
        // log C(n, v) (magnitude ~ n log 2) would lose ~1e-9 relative accuracy for n ~ 1e5.
        double logBinomial = 0;
        double logBinomialCompensation = 0;
        double sum = 0;
        double sumCompensation = 0;
        for (long v = 0; v <= lastV; v++)
        {
            double upper = nxfl + v + alpha; // n (x + v/n)
            double lower = (n - nxfl - v) - alpha; // n (1 - x - v/n)
            double logUpper = v == 0 ? logX : Math.Log(upper / n);
            double logLower = lower > 0.5 * n ? Log1P(-upper / n) : Math.Log(lower / n);
            double term = Math.Exp(logBinomial + ((v - 1) * logUpper) + ((n - v) * logLower) + logX);
            double y = term - sumCompensation;
            double t2 = sum + y;
            sumCompensation = (t2 - sum) - y;
            sum = t2;
            if (term != 0 && 4 * (lastV + 1 - v) * term < DoubleEpsilon * sum && v != lastV)
            {
                break;
            }

            double increment = Math.Log((double)(n - v) / (v + 1)) - logBinomialCompensation;
            double next = logBinomial + increment;
            logBinomialCompensation = (next - logBinomial) - increment;
            logBinomial = next;
        }

        return Math.Clamp(sum, 0, 1);
    }

    private static (long J1, long J2) PomeranzJ1J2(long i, long n, long ll, int ceilf, int roundf)
    {
        long j1;
        long j2;
        if (i == 0)
        {
            j1 = -ll - ceilf - 1;
            j2 = ll + ceilf - 1;
        }
        else
        {
            long ip1div2 = (i + 1) / 2;
            long ip1mod2 = (i + 1) % 2;
            if (ip1mod2 == 0)
            {
                if (ip1div2 == n + 1)
                {
                    j1 = n - ll - ceilf - 1;
                    j2 = n + ll + ceilf - 1;
                }
                else
                {
                    j1 = ip1div2 - 1 - ll - roundf - 1;
                    j2 = ip1div2 + ll - 1 + ceilf - 1;
                }
            }
            else
            {
                j1 = ip1div2 - 1 - ll - 1;
                j2 = ip1div2 + ll + roundf - 1;
            }
        }

        return (Math.Max(j1 + 2, 0), Math.Min(j2, n));
    }

    /// <summary>Python slice semantics for a[start:stop] (negative indices count from the end; out of range is truncated).</summary>
    private static ReadOnlySpan<double> PySlice(ReadOnlySpan<double> a, long start, long stop)
    {
        long len = a.Length;
        start = start < 0 ? Math.Max(start + len, 0) : Math.Min(start, len);
        stop = stop < 0 ? Math.Max(stop + len, 0) : Math.Min(stop, len);
        return stop <= start ? [] : a[(int)start..(int)stop];
    }

    private static void Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> result, int m)
    {
        result.Clear();
        for (int i = 0; i < m; i++)
        {
            for (int k = 0; k < m; k++)
            {
                double aik = a[(i * m) + k];
                if (aik == 0)
                {
                    continue;
                }

                for (int j = 0; j < m; j++)
                {
                    result[(i * m) + j] += aik * b[(k * m) + j];
                }
            }
        }
    }

    private static double LogNFactorialDivNPowN(long n)
    {
        double rn = 1.0 / n;
        double y = rn / n;
        double poly = 0;
        foreach (double c in StirlingCoefficients)
        {
            poly = (poly * y) + c;
        }

        return (Math.Log(n) / 2) - n + (Log2Pi / 2) + (rn * poly);
    }

    /// <summary>log(1 + x), accurate for small x (Goldberg's correction; .NET's LogP1 is log(1 + x)).</summary>
    internal static double Log1P(double x)
    {
        double u = 1.0 + x;
        return u == 1.0 ? x : Math.Log(u) * x / (u - 1.0);
    }

    /// <summary>exp(x) − 1, accurate for small x (Kahan's correction).</summary>
    internal static double ExpM1(double x)
    {
        double u = Math.Exp(x);
        if (u == 1.0)
        {
            return x;
        }

        double um1 = u - 1.0;
        return um1 == -1.0 ? -1.0 : um1 * x / Math.Log(u);
    }

    private static double Select(double cdfProb, double sfProb, bool cdf) => Math.Clamp(cdf ? cdfProb : sfProb, 0, 1);
}
