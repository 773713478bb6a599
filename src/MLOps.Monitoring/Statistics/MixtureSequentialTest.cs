namespace MLOps.Monitoring.Statistics;

/// <summary>
/// The mixture sequential probability ratio test (mSPRT) for the difference of two means, with its always-valid p-value
/// and confidence sequence: a test an analysis may look at after every interval without inflating its error rate.
/// Johari, Koomen, Pekelis and Walsh, "Peeking at A/B tests" (KDD 2017) and Johari, Pekelis and Walsh, "Always valid
/// inference: continuous monitoring of A/B tests" (Operations Research 70(3), 2022).
/// </summary>
/// <remarks>
/// <para>
/// At each look, with Δ̂ = x̄_t − x̄_c the estimated effect and V = σ̂²_t / n_t + σ̂²_c / n_c its variance, the
/// likelihood ratio of "the effect is drawn from N(0, τ²)" against "the effect is 0" is
/// Λ = √(V / (V + τ²)) · exp(τ² Δ̂² / (2 V (V + τ²))). With balanced arms (n_t = n_c = n, common σ²) this is the paper's
/// √(2σ² / (2σ² + nτ²)) · exp(n² τ² Δ̂² / (4σ² (2σ² + nτ²))). The always-valid p-value is p_n = min(p_{n−1}, 1 / Λ_n),
/// p_0 = 1: P(some p_n ≤ α) ≤ α under no effect, however many looks are taken and whenever the analysis stops
/// (Ville's inequality on the mixture martingale). Inverting the test gives the (1 − α) confidence sequence
/// Δ̂ ± √(V (V + τ²) / τ² · (2 ln(1 / α) + ln((V + τ²) / V))), intersected over the looks; p_n ≤ α exactly when 0 has
/// left it. If the running intersection would become empty (possible only when the normal model is off), the previous
/// interval is kept.
/// </para>
/// <para>
/// <b>Approximations.</b> The variances are plug-in estimates (unbiased sample variances for means; the Bernoulli
/// estimate p̂(1 − p̂) for proportions), and the effect's sampling distribution is taken as normal, as in the paper's
/// A/B testing section: the guarantee is asymptotic, which is why <see cref="SequentialTestOptions.MinSampleSize"/>
/// keeps small samples from deciding. The A/A simulation in the tests measures the resulting false-positive rate.
/// </para>
/// <para>This class is stateless and thread-safe: the running state travels in <see cref="SequentialTestResult"/>.</para>
/// </remarks>
public static class MixtureSequentialTest
{
    /// <summary>Takes one look at the means of two arms (for example a per-prediction absolute error).</summary>
    /// <param name="control">The control arm's moments, cumulative since the experiment started (in a rollout, the primary).</param>
    /// <param name="treatment">The treatment arm's moments, cumulative since the experiment started (in a rollout, the candidate).</param>
    /// <param name="options">The test settings.</param>
    /// <param name="previous">The result of the previous look, or <see langword="null"/> at the first look.</param>
    /// <returns>The effect, Λ, the always-valid p-value and interval, and the decision.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options or the previous result hold an invalid value.</exception>
    public static SequentialTestResult Evaluate(
        in SampleMoments control, in SampleMoments treatment, SequentialTestOptions options, SequentialTestResult? previous = null)
    {
        Validate(options, previous);
        long nc = control.Count, nt = treatment.Count;
        double effect = nc > 0 && nt > 0 ? treatment.Mean - control.Mean : 0;
        double variance = nc > 0 && nt > 0 ? (control.Variance / nc) + (treatment.Variance / nt) : 0;
        double pooled = nc + nt > 2 ? (control.SumOfSquaredDeviations + treatment.SumOfSquaredDeviations) / (nc + nt - 2) : 0;
        return Look(nc, nt, effect, variance, pooled, options, previous);
    }

    /// <summary>
    /// Takes one look at the success rates of two arms, with the Bernoulli variance estimate p̂(1 − p̂) / n per arm (the
    /// normal approximation of the difference of two proportions).
    /// </summary>
    /// <param name="controlSuccesses">The control arm's successes so far.</param>
    /// <param name="controlTotal">The control arm's observations so far.</param>
    /// <param name="treatmentSuccesses">The treatment arm's successes so far.</param>
    /// <param name="treatmentTotal">The treatment arm's observations so far.</param>
    /// <param name="options">The test settings.</param>
    /// <param name="previous">The result of the previous look, or <see langword="null"/> at the first look.</param>
    /// <returns>The effect (difference of rates), Λ, the always-valid p-value and interval, and the decision.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative, or successes exceed their total.</exception>
    /// <exception cref="ArgumentException">The options or the previous result hold an invalid value.</exception>
    public static SequentialTestResult EvaluateProportions(
        long controlSuccesses, long controlTotal, long treatmentSuccesses, long treatmentTotal,
        SequentialTestOptions options, SequentialTestResult? previous = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(controlSuccesses);
        ArgumentOutOfRangeException.ThrowIfNegative(controlTotal);
        ArgumentOutOfRangeException.ThrowIfNegative(treatmentSuccesses);
        ArgumentOutOfRangeException.ThrowIfNegative(treatmentTotal);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(controlSuccesses, controlTotal);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(treatmentSuccesses, treatmentTotal);
        Validate(options, previous);
        if (controlTotal == 0 || treatmentTotal == 0)
        {
            return Look(controlTotal, treatmentTotal, 0, 0, 0, options, previous);
        }

        double pc = (double)controlSuccesses / controlTotal;
        double pt = (double)treatmentSuccesses / treatmentTotal;
        double vc = pc * (1 - pc), vt = pt * (1 - pt);
        double pooled = ((controlTotal * vc) + (treatmentTotal * vt)) / ((double)controlTotal + treatmentTotal);
        return Look(controlTotal, treatmentTotal, pt - pc, (vc / controlTotal) + (vt / treatmentTotal), pooled, options, previous);
    }

    /// <summary>
    /// Returns the mixture variance τ² that detects an effect of exactly <paramref name="minimumDetectableEffect"/> with
    /// the fewest observations: τ² = θ² (1 − 1 / u), where u &gt; 1 solves u − 1 − ln u = 2 ln(1 / α).
    /// </summary>
    /// <param name="minimumDetectableEffect">The smallest effect θ worth detecting, in the metric's units (either sign).</param>
    /// <param name="alpha">The significance level, in (0, 1).</param>
    /// <returns>τ², in the metric's squared units (0.89 θ² at α = 0.05).</returns>
    /// <remarks>
    /// When the observed effect equals θ, Λ as a function of r = τ² / V peaks at 1 + r = θ² / V with
    /// ln Λ = (u − 1 − ln u) / 2, u = θ² / V; the test first rejects when that reaches ln(1 / α), and the τ² that
    /// achieves it is r V = θ² (1 − 1 / u). (u = −W₋₁(−e^{−1 − 2 ln(1/α)}), W₋₁ the lower branch of Lambert's W.)
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The effect is 0, NaN or infinite, or α is not in (0, 1).</exception>
    public static double MixtureVarianceForEffect(double minimumDetectableEffect, double alpha = SequentialTestOptions.DefaultAlpha)
    {
        if (!double.IsFinite(minimumDetectableEffect) || minimumDetectableEffect == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(minimumDetectableEffect), minimumDetectableEffect, "The minimum detectable effect must be finite and not 0.");
        }

        ValidateAlpha(alpha, nameof(alpha));
        double c = 2 * Math.Log(1 / alpha);

        // Newton on f(u) = u − 1 − ln u − c, convex and increasing for u > 1; starting right of the root it converges monotonically.
        double u = c + 1 + Math.Log(c + 1);
        for (int i = 0; i < 100; i++)
        {
            double next = u - ((u - 1 - Math.Log(u) - c) / (1 - (1 / u)));
            if (Math.Abs(next - u) <= 1e-15 * next)
            {
                u = next;
                break;
            }

            u = next;
        }

        return minimumDetectableEffect * minimumDetectableEffect * (1 - (1 / u));
    }

    private static SequentialTestResult Look(
        long nc, long nt, double effect, double variance, double pooledVariance, SequentialTestOptions options, SequentialTestResult? previous)
    {
        double tau2 = options.MixtureVariance ?? (SequentialTestOptions.DefaultStandardizedMixtureVariance * pooledVariance);
        double runningP = previous?.PValue ?? 1;
        ConfidenceInterval running = previous?.Interval ?? ConfidenceInterval.Unbounded;
        bool eligible = nc >= options.MinSampleSize && nt >= options.MinSampleSize;
        if (nc < 2 || nt < 2)
        {
            return new SequentialTestResult(effect, 1, runningP, running, Decide(false, runningP, running, options), eligible, tau2);
        }

        double logRatio, halfWidth;
        if (variance == 0)
        {
            // Both arms constant: the limits as V → 0 (Λ → 0 with no effect, +∞ with one; the interval shrinks to Δ̂).
            logRatio = effect == 0 ? double.NegativeInfinity : double.PositiveInfinity;
            halfWidth = 0;
        }
        else
        {
            double ratio = tau2 / variance;
            logRatio = (-0.5 * Math.Log(1 + ratio)) + (tau2 * effect * effect / (2 * variance * (variance + tau2)));
            halfWidth = Math.Sqrt(variance * (variance + tau2) / tau2 * ((2 * Math.Log(1 / options.Alpha)) + Math.Log(1 + ratio)));
        }

        double likelihoodRatio = Math.Exp(logRatio);
        if (eligible)
        {
            runningP = Math.Min(runningP, Math.Min(1, Math.Exp(-logRatio)));
            double lower = Math.Max(running.Lower, effect - halfWidth);
            double upper = Math.Min(running.Upper, effect + halfWidth);
            if (lower <= upper)
            {
                running = new ConfidenceInterval(lower, upper);
            }
        }

        return new SequentialTestResult(effect, likelihoodRatio, runningP, running, Decide(eligible, runningP, running, options), eligible, tau2);
    }

    private static SequentialDecision Decide(bool eligible, double p, ConfidenceInterval interval, SequentialTestOptions options)
    {
        if (!eligible || p > options.Alpha)
        {
            return SequentialDecision.None;
        }

        // Once p ≤ α the running interval lies on one side of 0; its midpoint gives the side.
        double midpoint = (interval.Lower / 2) + (interval.Upper / 2);
        if (midpoint == 0 || double.IsNaN(midpoint))
        {
            return SequentialDecision.None;
        }

        bool higher = midpoint > 0;
        return higher == (options.Direction == MetricDirection.HigherIsBetter)
            ? SequentialDecision.TreatmentBetter
            : SequentialDecision.TreatmentWorse;
    }

    private static void Validate(SequentialTestOptions options, SequentialTestResult? previous)
    {
        ArgumentNullException.ThrowIfNull(options);
        ValidateAlpha(options.Alpha, nameof(options));
        if (options.MinSampleSize < 2)
        {
            throw new ArgumentException($"MinSampleSize must be at least 2, was {options.MinSampleSize}.", nameof(options));
        }

        if (options.MixtureVariance is double tau2 && !(tau2 > 0 && double.IsFinite(tau2)))
        {
            throw new ArgumentException($"MixtureVariance must be positive and finite, was {tau2}.", nameof(options));
        }

        if (!Enum.IsDefined(options.Direction))
        {
            throw new ArgumentException($"Direction {options.Direction} is not a MetricDirection.", nameof(options));
        }

        if (previous is SequentialTestResult p
            && (!(p.PValue >= 0 && p.PValue <= 1) || !(p.Interval.Lower <= p.Interval.Upper)))
        {
            throw new ArgumentException("The previous result must have a p-value in [0, 1] and an interval with Lower ≤ Upper.", nameof(previous));
        }
    }

    private static void ValidateAlpha(double alpha, string paramName)
    {
        if (!(alpha > 0 && alpha < 1))
        {
            throw new ArgumentOutOfRangeException(paramName, alpha, "Alpha must be in (0, 1).");
        }
    }
}
