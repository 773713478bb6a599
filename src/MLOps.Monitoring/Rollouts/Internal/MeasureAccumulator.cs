using MLOps.Monitoring.Statistics;

namespace MLOps.Monitoring.Rollouts.Internal;

/// <summary>
/// The running moments (<see cref="SampleMoments"/>: count, mean, variance) of a per-prediction quality measure of one
/// arm: the absolute error of a regression, or 1/0 for a correct/incorrect classification. Bounded (three numbers);
/// the experiment's sequential test reads them.
/// </summary>
internal sealed class MeasureAccumulator
{
    private readonly Lock _gate = new();
    private SampleMoments _moments;

    public void Add(double value)
    {
        if (!double.IsFinite(value))
        {
            return;
        }

        lock (_gate)
        {
            _moments.Add(value);
        }
    }

    public SampleMoments Snapshot()
    {
        lock (_gate)
        {
            return _moments;
        }
    }
}
