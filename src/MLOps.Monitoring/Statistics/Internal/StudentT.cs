using MathNet.Numerics;

namespace MLOps.Monitoring.Statistics.Internal;

/// <summary>Student's t distribution tails and quantiles to full double precision.</summary>
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
    /// Starts from MathNet's bracketing solver and polishes with Newton steps on the incomplete beta until the step is
    /// below 1e-15 relative (quadratic convergence: two or three steps).
    /// </remarks>
    public static double UpperQuantile(double upperTail, double df)
    {
        if (upperTail >= 0.5)
        {
            return 0;
        }

        double q = MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, df, 1 - upperTail);
        if (!double.IsFinite(q) || q <= 0)
        {
            q = 1;
        }

        for (int i = 0; i < 50; i++)
        {
            double step = (UpperTail(q, df) - upperTail) / Density(q, df);
            double next = q + step;
            if (next <= 0)
            {
                next = q / 2;
            }

            if (Math.Abs(next - q) <= 1e-15 * Math.Abs(next))
            {
                return next;
            }

            q = next;
        }

        return q;
    }
}
