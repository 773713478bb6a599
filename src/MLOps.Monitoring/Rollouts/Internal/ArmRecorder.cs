using MLOps.Monitoring.Alerting.Internal;

namespace MLOps.Monitoring.Rollouts.Internal;

/// <summary>
/// The operational figures of one arm (one model version) since the analysis window opened: request and error counts and
/// latency counts in fixed log-spaced buckets (<see cref="LatencyBuckets"/>, within 10% of the true quantile). Bounded:
/// a fixed array, whatever the traffic. Written from the prediction path without locks.
/// </summary>
internal sealed class ArmRecorder
{
    private readonly long[] _buckets = new long[LatencyBuckets.Count];
    private long _requests;
    private long _errors;

    public long Requests => Interlocked.Read(ref _requests);

    public long Errors => Interlocked.Read(ref _errors);

    public void Record(double seconds, bool failed)
    {
        Interlocked.Increment(ref _requests);
        if (failed)
        {
            Interlocked.Increment(ref _errors);
        }

        Interlocked.Increment(ref _buckets[LatencyBuckets.IndexOf(seconds)]);
    }

    /// <summary>The <paramref name="quantile"/> of the recorded latencies, or <see langword="null"/> before the first one.</summary>
    public TimeSpan? Latency(double quantile)
    {
        Span<double> counts = stackalloc double[_buckets.Length];
        for (int i = 0; i < counts.Length; i++)
        {
            counts[i] = Interlocked.Read(ref _buckets[i]);
        }

        double seconds = LatencyBuckets.Quantile(quantile, counts);
        return double.IsNaN(seconds) ? null : TimeSpan.FromSeconds(seconds);
    }
}
