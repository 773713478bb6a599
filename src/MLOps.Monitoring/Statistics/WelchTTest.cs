using MLOps.Monitoring.Statistics.Internal;

namespace MLOps.Monitoring.Statistics;

/// <summary>
/// Welch's unequal-variance two-sample t-test of a treatment against a control, reproducing
/// <c>scipy.stats.ttest_ind(treatment, control, equal_var=False)</c> and its <c>.confidence_interval()</c>.
/// </summary>
/// <remarks>
/// <para>
/// With vᵢ = sᵢ² / nᵢ (sᵢ² the unbiased sample variance): t = (x̄_t − x̄_c) / √(v_t + v_c); the Welch–Satterthwaite
/// degrees of freedom ν = (v_t + v_c)² / (v_t² / (n_t − 1) + v_c² / (n_c − 1)); the two-sided p-value
/// 2 · P(T_ν ≥ |t|) = I_{ν / (ν + t²)}(ν / 2, 1 / 2) (regularized incomplete beta); and the interval
/// (x̄_t − x̄_c) ± t_{ν, 1 − α/2} √(v_t + v_c). Welch (1947), "The generalization of Student's problem when several
/// different population variances are involved", Biometrika 34; Satterthwaite (1946).
/// </para>
/// <para>
/// The t quantile is solved to full double precision (safeguarded Newton steps on the incomplete beta). SciPy 1.10's
/// <c>stdtrit</c> (CDFLIB, search tolerance 1e-8) is off by up to about 1e-9 relative, so the reference vectors take the
/// quantile from mpmath at 50 digits; see <c>tools/stats/generate_vectors.py</c>.
/// </para>
/// <para>
/// <see cref="TwoSample"/> shifts both samples by a common pivot before taking moments, so the difference of means
/// keeps its digits for values such as 1e9 + ε (NumPy's mean there is off by an ulp of 1e9 and SciPy 1.10's t by about
/// 3e-7 relative, with a precision-loss warning; that vector holds the exact figure). <see cref="FromMoments"/> can be
/// no more accurate than the means it is given.
/// </para>
/// <para>
/// Degenerate input: when both arms have zero variance the test is undefined. With equal means the result is
/// (t 0, p 1, interval [0, 0]) where SciPy returns NaN; with different means it is (t ±∞, p 0, interval [d, d]) as in
/// SciPy, and the degrees of freedom are 1, SciPy's substitute for the undefined 0 / 0. NaN and infinite observations are
/// rejected with an <see cref="ArgumentException"/>, as everywhere in this namespace.
/// </para>
/// </remarks>
public static class WelchTTest
{
    /// <summary>The default confidence level of the interval of the difference (0.95).</summary>
    public const double DefaultConfidenceLevel = 0.95;

    /// <summary>Runs the test on two samples, as <c>scipy.stats.ttest_ind(treatment, control, equal_var=False)</c>.</summary>
    /// <param name="control">The control sample (in a rollout, the primary); at least two finite values.</param>
    /// <param name="treatment">The treatment sample (in a rollout, the candidate); at least two finite values.</param>
    /// <param name="confidenceLevel">The confidence level of the interval of the difference, in (0, 1).</param>
    /// <returns>The statistic, degrees of freedom, two-sided p-value, difference of means and its interval.</returns>
    /// <exception cref="ArgumentException">A sample has fewer than two values, or contains NaN or an infinity.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="confidenceLevel"/> is not in (0, 1).</exception>
    public static WelchTestResult TwoSample(
        ReadOnlySpan<double> control, ReadOnlySpan<double> treatment, double confidenceLevel = DefaultConfidenceLevel)
    {
        ValidateSample(control, nameof(control));
        ValidateSample(treatment, nameof(treatment));
        ValidateLevel(confidenceLevel);

        // Both samples are shifted by the same pivot, so that the difference of means keeps its digits when the values
        // are large (1e9 + small differences): x − pivot is exact for nearby values (Sterbenz).
        double pivot = control[0];
        (double controlMean, double controlVariance) = ShiftedMoments(control, pivot);
        (double treatmentMean, double treatmentVariance) = ShiftedMoments(treatment, pivot);
        return Compute(control.Length, controlVariance, treatment.Length, treatmentVariance, treatmentMean - controlMean, confidenceLevel);
    }

    /// <summary>
    /// Runs the test on summary statistics, as <c>scipy.stats.ttest_ind_from_stats(mean_t, std_t, n_t, mean_c, std_c, n_c,
    /// equal_var=False)</c>; build the moments with <see cref="SampleMoments.FromSummary"/> or accumulate them.
    /// </summary>
    /// <param name="control">The control arm's moments (in a rollout, the primary); at least two observations.</param>
    /// <param name="treatment">The treatment arm's moments (in a rollout, the candidate); at least two observations.</param>
    /// <param name="confidenceLevel">The confidence level of the interval of the difference, in (0, 1).</param>
    /// <returns>The statistic, degrees of freedom, two-sided p-value, difference of means and its interval.</returns>
    /// <exception cref="ArgumentException">An arm has fewer than two observations.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="confidenceLevel"/> is not in (0, 1).</exception>
    public static WelchTestResult FromMoments(
        in SampleMoments control, in SampleMoments treatment, double confidenceLevel = DefaultConfidenceLevel)
    {
        if (control.Count < 2)
        {
            throw new ArgumentException("Welch's t-test needs at least two observations in each arm.", nameof(control));
        }

        if (treatment.Count < 2)
        {
            throw new ArgumentException("Welch's t-test needs at least two observations in each arm.", nameof(treatment));
        }

        ValidateLevel(confidenceLevel);
        return Compute(control.Count, control.Variance, treatment.Count, treatment.Variance, treatment.Mean - control.Mean, confidenceLevel);
    }

    private static WelchTestResult Compute(
        long controlCount, double controlVariance, long treatmentCount, double treatmentVariance, double difference, double confidenceLevel)
    {
        double vc = controlVariance / controlCount;
        double vt = treatmentVariance / treatmentCount;
        double variance = vc + vt;
        if (variance == 0)
        {
            return difference == 0
                ? new WelchTestResult(0, 1, 1, 0, new ConfidenceInterval(0, 0))
                : new WelchTestResult(difference > 0 ? double.PositiveInfinity : double.NegativeInfinity, 1, 0, difference, new ConfidenceInterval(difference, difference));
        }

        double df = variance * variance / ((vc * vc / (controlCount - 1)) + (vt * vt / (treatmentCount - 1)));
        double se = Math.Sqrt(variance);
        double statistic = difference / se;
        double p = StudentT.TwoSidedPValue(statistic, df);
        double halfWidth = StudentT.UpperQuantile((1 - confidenceLevel) / 2, df) * se;
        return new WelchTestResult(statistic, df, p, difference, new ConfidenceInterval(difference - halfWidth, difference + halfWidth));
    }

    private static void ValidateLevel(double confidenceLevel)
    {
        if (!(confidenceLevel > 0 && confidenceLevel < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidenceLevel), confidenceLevel, "The confidence level must be in (0, 1).");
        }
    }

    private static void ValidateSample(ReadOnlySpan<double> values, string paramName)
    {
        Guard.NotEmptyFinite(values, paramName);
        if (values.Length < 2)
        {
            throw new ArgumentException("Welch's t-test needs at least two observations in each arm.", paramName);
        }
    }

    /// <summary>The mean of x − pivot and the unbiased variance, in two passes (NumPy's <c>mean</c> and <c>var(ddof=1)</c>).</summary>
    private static (double Mean, double Variance) ShiftedMoments(ReadOnlySpan<double> values, double pivot)
    {
        double sum = 0;
        foreach (double v in values)
        {
            sum += v - pivot;
        }

        double mean = sum / values.Length;
        double squares = 0;
        foreach (double v in values)
        {
            double d = v - pivot - mean;
            squares += d * d;
        }

        return (mean, squares / (values.Length - 1));
    }
}
