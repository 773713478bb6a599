namespace MLOps.Monitoring.Statistics;

/// <summary>A closed interval [<paramref name="Lower"/>, <paramref name="Upper"/>] estimated for an effect (treatment − control).</summary>
/// <param name="Lower">The lower bound (may be −∞ when nothing is known yet).</param>
/// <param name="Upper">The upper bound (may be +∞ when nothing is known yet).</param>
public readonly record struct ConfidenceInterval(double Lower, double Upper)
{
    /// <summary>Gets the interval that excludes nothing, (−∞, +∞): what is known before any evidence.</summary>
    public static ConfidenceInterval Unbounded => new(double.NegativeInfinity, double.PositiveInfinity);

    /// <summary>Returns whether <paramref name="value"/> lies in the interval, bounds included.</summary>
    /// <param name="value">The value to test (for example 0, no effect).</param>
    /// <returns><see langword="true"/> when <see cref="Lower"/> ≤ <paramref name="value"/> ≤ <see cref="Upper"/>.</returns>
    public bool Contains(double value) => Lower <= value && value <= Upper;
}
