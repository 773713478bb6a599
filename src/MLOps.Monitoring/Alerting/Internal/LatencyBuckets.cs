namespace MLOps.Monitoring.Alerting.Internal;

/// <summary>
/// Log-spaced latency buckets (1 µs × 1.1^k, up to ~1000 s) for the p95 rule: the estimate, interpolated within a
/// bucket like Prometheus' <c>histogram_quantile</c>, is within 10% of the true quantile.
/// </summary>
internal static class LatencyBuckets
{
    public const double Min = 1e-6;
    public const double Factor = 1.1;
    public static readonly double LogFactor = Math.Log(Factor);

    /// <summary>Bucket k holds values in (Min·Factor^(k-1), Min·Factor^k]; bucket 0 holds everything up to Min; the last one everything above.</summary>
    public static readonly int Count = (int)Math.Ceiling(Math.Log(1e3 / Min) / LogFactor) + 2;

    public static int IndexOf(double seconds)
    {
        if (!(seconds > Min))
        {
            return 0; // also NaN and negatives
        }

        double k = Math.Ceiling(Math.Log(seconds / Min) / LogFactor);
        return k >= Count - 1 ? Count - 1 : (int)k;
    }

    public static double UpperBound(int index) => Min * Math.Pow(Factor, index);

    /// <summary>The <paramref name="quantile"/> of the bucket counts, or NaN when they are all zero.</summary>
    public static double Quantile(double quantile, ReadOnlySpan<double> buckets)
    {
        double total = 0;
        foreach (double c in buckets)
        {
            total += c;
        }

        if (total <= 0)
        {
            return double.NaN;
        }

        double rank = quantile * total;
        double cumulative = 0;
        for (int k = 0; k < buckets.Length; k++)
        {
            double count = buckets[k];
            if (count > 0 && cumulative + count >= rank)
            {
                if (k == buckets.Length - 1)
                {
                    return UpperBound(k - 1);
                }

                double lower = k == 0 ? 0 : UpperBound(k - 1);
                double upper = UpperBound(k);
                return lower + ((upper - lower) * (rank - cumulative) / count);
            }

            cumulative += count;
        }

        return UpperBound(buckets.Length - 2);
    }
}
