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
/// The t quantile is solved to full double precision (Newton steps on the incomplete beta). SciPy 1.10's
/// <c>stdtrit</c> (CDFLIB, search tolerance 1e-8) is off by up to about 1e-9 relative, so the reference vectors take the
/// quantile from mpmath at 50 digits; see <c>tools/stats/generate_vectors.py</c>.
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
        SampleMoments c = TwoPassMoments(control, nameof(control));
        SampleMoments t = TwoPassMoments(treatment, nameof(treatment));
        return FromMoments(c, t, confidenceLevel);
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

        if (!(confidenceLevel > 0 && confidenceLevel < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidenceLevel), confidenceLevel, "The confidence level must be in (0, 1).");
        }

        double vc = control.Variance / control.Count;
        double vt = treatment.Variance / treatment.Count;
        double variance = vc + vt;
        double difference = treatment.Mean - control.Mean;
        if (variance == 0)
        {
            return difference == 0
                ? new WelchTestResult(0, 1, 1, 0, new ConfidenceInterval(0, 0))
                : new WelchTestResult(difference > 0 ? double.PositiveInfinity : double.NegativeInfinity, 1, 0, difference, new ConfidenceInterval(difference, difference));
        }

        double df = variance * variance / ((vc * vc / (control.Count - 1)) + (vt * vt / (treatment.Count - 1)));
        double se = Math.Sqrt(variance);
        double statistic = difference / se;
        double p = StudentT.TwoSidedPValue(statistic, df);
        double halfWidth = StudentT.UpperQuantile((1 - confidenceLevel) / 2, df) * se;
        return new WelchTestResult(statistic, df, p, difference, new ConfidenceInterval(difference - halfWidth, difference + halfWidth));
    }

    /// <summary>Mean and variance in two passes (NumPy's <c>mean</c> and <c>var(ddof=1)</c>), the most accurate for a span.</summary>
    private static SampleMoments TwoPassMoments(ReadOnlySpan<double> values, string paramName)
    {
        Guard.NotEmptyFinite(values, paramName);
        if (values.Length < 2)
        {
            throw new ArgumentException("Welch's t-test needs at least two observations in each arm.", paramName);
        }

        double sum = 0;
        foreach (double v in values)
        {
            sum += v;
        }

        double mean = sum / values.Length;
        double squares = 0;
        foreach (double v in values)
        {
            double d = v - mean;
            squares += d * d;
        }

        return SampleMoments.FromSummary(values.Length, mean, squares / (values.Length - 1));
    }
}
