namespace MLOps.Monitoring.Statistics;

/// <summary>
/// A streaming, mergeable summary of one arm's per-observation metric: its count, mean and sum of squared deviations
/// (M2), updated with Welford's algorithm and merged with Chan, Golub and LeVeque's pairwise formula. A success rate is
/// the mean of 0/1 observations.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Add(double)"/>: n ← n + 1, δ = x − mean, mean ← mean + δ / n, M2 ← M2 + δ (x − mean) (Welford 1962;
/// Knuth, TAOCP vol. 2, §4.2.2). <see cref="Merge"/>: n = n_a + n_b, δ = mean_b − mean_a, mean = mean_a + δ n_b / n,
/// M2 = M2_a + M2_b + δ² n_a n_b / n (Chan, Golub and LeVeque, "Algorithms for computing the sample variance", 1983).
/// Both are numerically stable: no sum of squares is ever formed.
/// </para>
/// <para>
/// <b>Thread safety.</b> This is a mutable struct and is <b>not</b> thread-safe. Keep it in a (non-readonly) field and
/// call <see cref="Add(double)"/> under a lock, or keep one per thread (or per shard) and <see cref="Merge"/> them when
/// reading. Copying the struct takes a snapshot; a copy taken under the same lock is consistent.
/// </para>
/// </remarks>
public struct SampleMoments
{
    private double _m2;

    /// <summary>Gets the number of observations.</summary>
    public long Count { get; private set; }

    /// <summary>Gets the arithmetic mean of the observations, or 0 when there are none.</summary>
    public double Mean { get; private set; }

    /// <summary>Gets the unbiased sample variance M2 / (n − 1), or 0 when there are fewer than two observations.</summary>
    public readonly double Variance => Count > 1 ? _m2 / (Count - 1) : 0;

    /// <summary>Gets the sum of squared deviations from the mean, M2 = Σ (xᵢ − mean)².</summary>
    internal readonly double SumOfSquaredDeviations => _m2;

    /// <summary>Creates the moments of a sample known only by its summary statistics (as <c>scipy.stats.ttest_ind_from_stats</c>).</summary>
    /// <param name="count">The number of observations.</param>
    /// <param name="mean">The sample mean.</param>
    /// <param name="variance">The unbiased sample variance (denominator n − 1); must be 0 when <paramref name="count"/> is below 2.</param>
    /// <returns>Moments with M2 = variance · (count − 1).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative, or <paramref name="variance"/> is negative or not 0 for fewer than two observations.</exception>
    /// <exception cref="ArgumentException"><paramref name="mean"/> or <paramref name="variance"/> is NaN or infinite.</exception>
    public static SampleMoments FromSummary(long count, double mean, double variance)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        EnsureFinite(mean, nameof(mean));
        EnsureFinite(variance, nameof(variance));
        ArgumentOutOfRangeException.ThrowIfNegative(variance);
        if (count < 2)
        {
            ArgumentOutOfRangeException.ThrowIfNotEqual(variance, 0);
        }

        return new SampleMoments { Count = count, Mean = count == 0 ? 0 : mean, _m2 = variance * Math.Max(0, count - 1) };
    }

    /// <summary>Creates the moments of <paramref name="total"/> observations of 0 or 1, <paramref name="successes"/> of them 1.</summary>
    /// <param name="successes">The number of observations equal to 1.</param>
    /// <param name="total">The number of observations.</param>
    /// <returns>Moments with mean p̂ = successes / total and M2 = successes · (total − successes) / total = n p̂ (1 − p̂).</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative, or <paramref name="successes"/> exceeds <paramref name="total"/>.</exception>
    public static SampleMoments FromProportion(long successes, long total)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(successes);
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(successes, total);
        if (total == 0)
        {
            return default;
        }

        return new SampleMoments
        {
            Count = total,
            Mean = (double)successes / total,
            _m2 = (double)successes * (total - successes) / total,
        };
    }

    /// <summary>Adds one observation (Welford's update).</summary>
    /// <param name="value">The observation; must be finite.</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> is NaN or infinite.</exception>
    public void Add(double value)
    {
        EnsureFinite(value, nameof(value));
        Count++;
        double delta = value - Mean;
        Mean += delta / Count;
        _m2 += delta * (value - Mean);
    }

    /// <summary>Adds one success (1) or failure (0) observation of a success rate.</summary>
    /// <param name="success">Whether the observation is a success.</param>
    public void Add(bool success) => Add(success ? 1.0 : 0.0);

    /// <summary>Merges the observations summarized by <paramref name="other"/> into this instance (Chan et al.'s pairwise update).</summary>
    /// <param name="other">The moments to merge; not modified.</param>
    public void Merge(in SampleMoments other)
    {
        if (other.Count == 0)
        {
            return;
        }

        if (Count == 0)
        {
            this = other;
            return;
        }

        long count = Count + other.Count;
        double delta = other.Mean - Mean;
        Mean += delta * ((double)other.Count / count);
        _m2 += other._m2 + (delta * delta * ((double)Count * other.Count / count));
        Count = count;
    }

    private static void EnsureFinite(double value, string paramName)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException("The value must be finite (no NaN or infinity).", paramName);
        }
    }
}
