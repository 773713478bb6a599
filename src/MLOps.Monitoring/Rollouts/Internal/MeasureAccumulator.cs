namespace MLOps.Monitoring.Rollouts.Internal;

/// <summary>
/// Running count, mean and sum of squared deviations (Welford) of a per-prediction quality measure of one arm: the
/// absolute error of a regression, or 1/0 for a correct/incorrect classification. Bounded (three numbers).
/// </summary>
internal sealed class MeasureAccumulator
{
    private readonly Lock _gate = new();
    private long _count;
    private double _mean;
    private double _m2;

    public void Add(double value)
    {
        if (!double.IsFinite(value))
        {
            return;
        }

        lock (_gate)
        {
            _count++;
            double delta = value - _mean;
            _mean += delta / _count;
            _m2 += delta * (value - _mean);
        }
    }

    public (long Count, double Mean, double Variance) Snapshot()
    {
        lock (_gate)
        {
            return (_count, _count > 0 ? _mean : double.NaN, _count > 1 ? _m2 / (_count - 1) : double.NaN);
        }
    }
}
