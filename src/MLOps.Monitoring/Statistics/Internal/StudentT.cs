using MathNet.Numerics;

namespace MLOps.Monitoring.Statistics.Internal;

/// <summary>Student's t distribution tails and quantiles to full double precision, without allocating.</summary>
internal static class StudentT
{
    /// <summary>2 · P(T_ν ≥ |t|) = I_{ν / (ν + t²)}(ν / 2, 1 / 2).</summary>
    public static double TwoSidedPValue(double t, double df)
    {
        if (double.IsInfinity(t))
        {
            return 0;
        }

        return Math.Clamp(SpecialFunctions.BetaRegularized(df / 2, 0.5, df / (df + (t * t))), 0, 1);
    }

    /// <summary>P(T_ν ≥ t) for t ≥ 0.</summary>
    public static double UpperTail(double t, double df) => 0.5 * TwoSidedPValue(t, df);

    /// <summary>The density of T_ν at t.</summary>
    public static double Density(double t, double df) =>
        Math.Exp(SpecialFunctions.GammaLn((df + 1) / 2) - SpecialFunctions.GammaLn(df / 2) - (0.5 * Math.Log(df * Math.PI))
            - ((df + 1) / 2 * Math.Log(1 + (t * t / df))));

    /// <summary>The q with P(T_ν ≥ q) = <paramref name="upperTail"/>, for an upper tail in (0, 0.5].</summary>
    /// <remarks>
    /// Brackets the root by doubling from 1, then takes Newton steps on the incomplete beta, falling back to bisection
    /// whenever a step would leave the bracket, until the step is below 1e-15 relative (safeguarded Newton: robust in
    /// the Cauchy-like tails of small ν, quadratic near the root).
    /// </remarks>
    public static double UpperQuantile(double upperTail, double df)
    {
        if (upperTail >= 0.5)
        {
            return 0;
        }

        double low = 0, high = 1;
        while (UpperTail(high, df) > upperTail && high < double.MaxValue / 4)
        {
            low = high;
            high *= 2;
        }

        double q = (low + high) / 2;
        for (int i = 0; i < 200; i++)
        {
            double excess = UpperTail(q, df) - upperTail;
            if (excess > 0)
            {
                low = q;
            }
            else if (excess < 0)
            {
                high = q;
            }
            else
            {
                return q;
            }

            double next = q + (excess / Density(q, df));
            if (!(next > low && next < high))
            {
                next = (low + high) / 2;
            }

            if (Math.Abs(next - q) <= 1e-15 * next)
            {
                return next;
            }

            q = next;
        }

        return q;
    }
}
