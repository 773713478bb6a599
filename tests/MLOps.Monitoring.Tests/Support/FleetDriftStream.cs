namespace MLOps.Monitoring.Tests.Support;

/// <summary>
/// A deterministic drifted stream of sizes against a reference spread evenly over [0, 5000) (10 bins of 500): per 100
/// rows the bins get 14, 12, 11, 10, 10, 10, 9, 9, 8, 7 values (middle of the bin), each value three times in a row so
/// that every replica of three taking every third row sees the same shares as the whole stream.
/// </summary>
internal static class FleetDriftStream
{
    private static readonly int[] Shares = [14, 12, 11, 10, 10, 10, 9, 9, 8, 7];

    public static IEnumerable<double> Rows(int count)
    {
        var pattern = new List<double>(300);
        for (int bin = 0; bin < Shares.Length; bin++)
        {
            for (int k = 0; k < Shares[bin]; k++)
            {
                double value = (500 * bin) + 250 + k;
                pattern.AddRange([value, value, value]);
            }
        }

        for (int i = 0; i < count; i++)
        {
            yield return pattern[i % pattern.Count];
        }
    }

    public static double[] BinCounts(int count) => [.. Shares.Select(s => (double)s * count / 100)];
}
