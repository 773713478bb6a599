namespace MLOps.Monitoring.Drift;

/// <summary>
/// ADWIN (adaptive windowing, Bifet and Gavaldà 2007) for one numeric signal, with River's algorithm and defaults
/// (<c>river.drift.ADWIN</c>): a window of recent values kept in exponential-histogram buckets shrinks whenever two
/// sub-windows have significantly different means. Not thread-safe; memory is O(log window).
/// </summary>
public sealed class Adwin
{
    /// <summary>The default confidence value: 0.002.</summary>
    public const double DefaultDelta = 0.002;

    /// <summary>The default number of values between two change checks: 32.</summary>
    public const int DefaultClock = 32;

    /// <summary>The default number of buckets of each size before two are merged: 5.</summary>
    public const int DefaultMaxBuckets = 5;

    /// <summary>The default minimum length of each sub-window: 5.</summary>
    public const int DefaultMinWindowLength = 5;

    /// <summary>The default number of values before any change check: 10.</summary>
    public const int DefaultGracePeriod = 10;

    private readonly List<Row> _rows = [];
    private long _tick;

    /// <summary>Initializes a detector.</summary>
    /// <param name="delta">The confidence value, in (0, 1): smaller means fewer false alarms and later detections.</param>
    /// <param name="clock">How many values between two change checks.</param>
    /// <param name="maxBuckets">How many buckets of each size are kept before two are merged.</param>
    /// <param name="minWindowLength">The minimum length of each sub-window compared.</param>
    /// <param name="gracePeriod">How many values before the first change check.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public Adwin(
        double delta = DefaultDelta,
        int clock = DefaultClock,
        int maxBuckets = DefaultMaxBuckets,
        int minWindowLength = DefaultMinWindowLength,
        int gracePeriod = DefaultGracePeriod)
    {
        if (delta is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "delta must be in (0, 1).");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(clock, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBuckets, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(minWindowLength, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(gracePeriod);
        Delta = delta;
        Clock = clock;
        MaxBuckets = maxBuckets;
        MinWindowLength = minWindowLength;
        GracePeriod = gracePeriod;
        Reset();
    }

    /// <summary>Gets the confidence value.</summary>
    public double Delta { get; }

    /// <summary>Gets how many values between two change checks.</summary>
    public int Clock { get; }

    /// <summary>Gets how many buckets of each size are kept.</summary>
    public int MaxBuckets { get; }

    /// <summary>Gets the minimum sub-window length.</summary>
    public int MinWindowLength { get; }

    /// <summary>Gets how many values before the first change check.</summary>
    public int GracePeriod { get; }

    /// <summary>Gets whether the last <see cref="Update"/> detected a change.</summary>
    public bool DriftDetected { get; private set; }

    /// <summary>Gets the number of values in the window.</summary>
    public double Width { get; private set; }

    /// <summary>Gets the sum of the values in the window.</summary>
    public double Total { get; private set; }

    /// <summary>Gets the sum of squared deviations of the window (its variance times <see cref="Width"/>).</summary>
    public double Variance { get; private set; }

    /// <summary>Gets the mean of the window (0 when empty).</summary>
    public double Estimation => Width == 0 ? 0 : Total / Width;

    /// <summary>Gets how many changes were detected since the last reset.</summary>
    public int DetectionCount { get; private set; }

    /// <summary>Adds a value and checks for a change every <see cref="Clock"/> values.</summary>
    /// <param name="value">The value.</param>
    /// <returns>Whether a change was detected (<see cref="DriftDetected"/>); the window has then dropped its older part.</returns>
    /// <exception cref="ArgumentException"><paramref name="value"/> is NaN or infinite.</exception>
    public bool Update(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException("The value must be finite.", nameof(value));
        }

        Insert(value);
        DriftDetected = DetectChange();
        return DriftDetected;
    }

    /// <summary>Forgets every value.</summary>
    public void Reset()
    {
        _rows.Clear();
        _rows.Add(new Row(MaxBuckets));
        _tick = 0;
        Width = Total = Variance = 0;
        DetectionCount = 0;
        DriftDetected = false;
    }

    private static double Size(int row) => Math.Pow(2, row);

    private void Insert(double value)
    {
        _rows[0].Add(value, 0);
        Width += 1;
        if (Width > 1)
        {
            double previousMean = Total / (Width - 1);
            Variance += (Width - 1) * (value - previousMean) * (value - previousMean) / Width;
        }

        Total += value;
        Compress();
    }

    private void Compress()
    {
        for (int index = 0; index < _rows.Count; index++)
        {
            Row row = _rows[index];
            if (row.Count != MaxBuckets + 1)
            {
                return;
            }

            if (index + 1 == _rows.Count)
            {
                _rows.Add(new Row(MaxBuckets));
            }

            Row next = _rows[index + 1];
            double n = Size(index);
            double mean1 = row.Totals[0] / n;
            double mean2 = row.Totals[1] / n;
            double total = row.Totals[0] + row.Totals[1];
            double variance = row.Variances[0] + row.Variances[1] + (n * n * (mean1 - mean2) * (mean1 - mean2) / (n + n));
            next.Add(total, variance);
            row.RemoveFirst(2);
            if (next.Count <= MaxBuckets)
            {
                return;
            }
        }
    }

    private double DeleteOldest()
    {
        int last = _rows.Count - 1;
        Row row = _rows[last];
        double n = Size(last);
        double u = row.Totals[0];
        double mu = u / n;
        double v = row.Variances[0];
        Width -= n;
        Total -= u;
        double windowMean = Total / Width;
        Variance -= v + (n * Width * (mu - windowMean) * (mu - windowMean) / (n + Width));
        row.RemoveFirst(1);
        if (row.Count == 0)
        {
            _rows.RemoveAt(last);
        }

        return n;
    }

    private bool DetectChange()
    {
        bool changed = false;
        _tick++;
        if (_tick % Clock == 0 && Width > GracePeriod)
        {
            bool reduce = true;
            while (reduce)
            {
                reduce = false;
                bool exit = false;
                double n0 = 0, n1 = Width, u0 = 0, u1 = Total;

                // From the oldest (largest) buckets to the newest: W0 = older part, W1 = newer part.
                for (int index = _rows.Count - 1; index >= 0 && !exit; index--)
                {
                    Row row = _rows[index];
                    double size = Size(index);

                    // As River: each row's newest bucket is never a cut point.
                    for (int k = 0; k < row.Count - 1; k++)
                    {
                        n0 += size;
                        n1 -= size;
                        u0 += row.Totals[k];
                        u1 -= row.Totals[k];
                        double deltaMean = (u0 / n0) - (u1 / n1);
                        if (n1 >= MinWindowLength && n0 >= MinWindowLength && CutIsSignificant(n0, n1, deltaMean))
                        {
                            reduce = true;
                            changed = true;
                            if (Width > 0)
                            {
                                DeleteOldest();
                                exit = true;
                                break;
                            }
                        }
                    }
                }
            }
        }

        if (changed)
        {
            DetectionCount++;
        }

        return changed;
    }

    private bool CutIsSignificant(double n0, double n1, double deltaMean)
    {
        double deltaPrime = Math.Log(2 * Math.Log(Width) / Delta);
        double mRecip = (1.0 / (n0 - MinWindowLength + 1)) + (1.0 / (n1 - MinWindowLength + 1));
        double epsilon = Math.Sqrt(2 * mRecip * (Variance / Width) * deltaPrime) + (2.0 / 3.0 * deltaPrime * mRecip);
        return Math.Abs(deltaMean) > epsilon;
    }

    /// <summary>The buckets of one size (2^row values each), oldest first.</summary>
    private sealed class Row(int maxBuckets)
    {
        public double[] Totals { get; } = new double[maxBuckets + 1];

        public double[] Variances { get; } = new double[maxBuckets + 1];

        public int Count { get; private set; }

        public void Add(double total, double variance)
        {
            Totals[Count] = total;
            Variances[Count] = variance;
            Count++;
        }

        public void RemoveFirst(int n)
        {
            Array.Copy(Totals, n, Totals, 0, Totals.Length - n);
            Array.Copy(Variances, n, Variances, 0, Variances.Length - n);
            Array.Clear(Totals, Totals.Length - n, n);
            Array.Clear(Variances, Variances.Length - n, n);
            Count -= n;
        }
    }
}
