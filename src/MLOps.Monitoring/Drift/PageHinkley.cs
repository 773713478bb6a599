namespace MLOps.Monitoring.Drift;

/// <summary>
/// The Page-Hinkley change detector for one numeric signal (for example a model's error or a feature's mean), with
/// River's algorithm and defaults (<c>river.drift.PageHinkley</c>): cumulative deviations from the running mean, with a
/// forgetting factor, compared with a threshold. Not thread-safe.
/// </summary>
/// <remarks>After a detection, the next <see cref="Update"/> starts over (mean and sums reset), as in River.</remarks>
public sealed class PageHinkley
{
    /// <summary>The default minimum number of values before a change can be detected: 30.</summary>
    public const int DefaultMinInstances = 30;

    /// <summary>The default magnitude of changes tolerated: 0.005.</summary>
    public const double DefaultDelta = 0.005;

    /// <summary>The default detection threshold (lambda): 50.</summary>
    public const double DefaultThreshold = 50;

    /// <summary>The default forgetting factor of the sums: 1 − 0.0001.</summary>
    public const double DefaultAlpha = 1 - 0.0001;

    private long _count;
    private double _mean;
    private double _sumIncrease;
    private double _sumDecrease;
    private double _minIncrease;
    private double _maxDecrease;

    /// <summary>Initializes a detector.</summary>
    /// <param name="minInstances">The minimum number of values before a change can be detected.</param>
    /// <param name="delta">The magnitude of changes tolerated.</param>
    /// <param name="threshold">The detection threshold (lambda).</param>
    /// <param name="alpha">The forgetting factor of the cumulative sums, in (0, 1].</param>
    /// <param name="mode">Which changes to detect.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public PageHinkley(
        int minInstances = DefaultMinInstances,
        double delta = DefaultDelta,
        double threshold = DefaultThreshold,
        double alpha = DefaultAlpha,
        PageHinkleyMode mode = PageHinkleyMode.Both)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minInstances, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(delta);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threshold);
        if (alpha is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be in (0, 1].");
        }

        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown mode.");
        }

        MinInstances = minInstances;
        Delta = delta;
        Threshold = threshold;
        Alpha = alpha;
        Mode = mode;
        Reset();
    }

    /// <summary>Gets the minimum number of values before a change can be detected.</summary>
    public int MinInstances { get; }

    /// <summary>Gets the magnitude of changes tolerated.</summary>
    public double Delta { get; }

    /// <summary>Gets the detection threshold.</summary>
    public double Threshold { get; }

    /// <summary>Gets the forgetting factor.</summary>
    public double Alpha { get; }

    /// <summary>Gets which changes are detected.</summary>
    public PageHinkleyMode Mode { get; }

    /// <summary>Gets whether the last <see cref="Update"/> detected a change.</summary>
    public bool DriftDetected { get; private set; }

    /// <summary>Gets the number of values since the last reset.</summary>
    public long Count => _count;

    /// <summary>Gets the running mean since the last reset.</summary>
    public double Mean => _mean;

    /// <summary>Adds a value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>Whether a change is detected (<see cref="DriftDetected"/>).</returns>
    /// <exception cref="ArgumentException"><paramref name="value"/> is NaN or infinite.</exception>
    public bool Update(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException("The value must be finite.", nameof(value));
        }

        if (DriftDetected)
        {
            Reset();
        }

        _count++;
        _mean += (value - _mean) / _count;
        double deviation = value - _mean;
        _sumIncrease = (Alpha * _sumIncrease) + deviation - Delta;
        _sumDecrease = (Alpha * _sumDecrease) + deviation + Delta;
        _minIncrease = Math.Min(_minIncrease, _sumIncrease);
        _maxDecrease = Math.Max(_maxDecrease, _sumDecrease);
        if (_count >= MinInstances)
        {
            bool increase = _sumIncrease - _minIncrease > Threshold;
            bool decrease = _maxDecrease - _sumDecrease > Threshold;
            DriftDetected = Mode switch
            {
                PageHinkleyMode.Up => increase,
                PageHinkleyMode.Down => decrease,
                _ => increase || decrease,
            };
        }

        return DriftDetected;
    }

    /// <summary>Forgets every value.</summary>
    public void Reset()
    {
        DriftDetected = false;
        _count = 0;
        _mean = 0;
        _sumIncrease = 0;
        _sumDecrease = 0;
        _minIncrease = double.PositiveInfinity;
        _maxDecrease = -1;   // River starts the maximum at -1, not -∞.
    }
}
