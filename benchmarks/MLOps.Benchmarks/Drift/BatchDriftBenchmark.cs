using BenchmarkDotNet.Attributes;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Profiles;

namespace MLOps.Benchmarks.Drift;

/// <summary>
/// How the batch drift report (<see cref="DriftDetector.CompareColumns"/>) scales with N current rows and M numeric
/// features: read T(2N)/T(N) from the Rows 500,000 → 1,000,000 pairs and T(2M)/T(M) from the Features 10 → 20 pairs
/// (target ≤ 2.2 each), and the 1,000,000 × 20 row. The reference profile is built once per case from the same shape of
/// data (not timed); with more than 1,000 reference rows every feature is compared with the normed Wasserstein distance
/// on the bounded samples, after one pass over every current value (quality counts, quantile bin counts, sample).
/// </summary>
/// <remarks>
/// <para>
/// Baseline: one pass that sums every current value. It is the floor of any report that looks at every value once
/// (memory bandwidth plus a dependent add), so its ratio says how many "plain reads" of the input the report costs, and
/// it scales exactly linearly, which makes a non-linear report stand out.
/// </para>
/// <para>
/// Also measured: <see cref="ReferenceProfile.FromColumns"/> on the current data (profiling copies each column into one
/// reused scratch column and selects only the order statistics its exact quantile edges need, no full sort; it
/// allocates one column copy per call).
/// </para>
/// <para>
/// Memory: Allocated is everything the method allocates (an upper bound on the extra peak it adds to the input, which
/// is Rows × Features × 8 bytes). The true peak is measured by the <c>batch-peak</c> console mode (see
/// benchmarks/README.md).
/// </para>
/// </remarks>
[MemoryDiagnoser]
public class BatchDriftBenchmark
{
    private ReferenceProfile _reference = null!;
    private KeyValuePair<string, double[]>[] _current = null!;

    /// <summary>Gets or sets the number of current rows (N).</summary>
    [Params(250_000, 500_000, 1_000_000)]
    public int Rows { get; set; }

    /// <summary>Gets or sets the number of numeric features (M).</summary>
    [Params(10, 20)]
    public int Features { get; set; }

    /// <summary>Builds the reference profile and the current columns (half of the features shifted by 0.1 sd).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _reference = ReferenceProfile.FromColumns(BatchDriftData.Columns(Rows, Features, shift: 0, seed: 1));
        _current = BatchDriftData.Columns(Rows, Features, shift: 0.1, seed: 2);
    }

    /// <summary>Sums every current value once.</summary>
    /// <returns>The sum.</returns>
    [Benchmark(Baseline = true, Description = "Sum every value (one read of the input)")]
    public double SumEveryValue()
    {
        double total = 0;
        foreach (KeyValuePair<string, double[]> column in _current)
        {
            double sum = 0;
            foreach (double v in column.Value)
            {
                sum += v;
            }

            total += sum;
        }

        return total;
    }

    /// <summary>The batch drift report.</summary>
    /// <returns>The report.</returns>
    [Benchmark(Description = "DriftDetector.CompareColumns (drift report)")]
    public DriftReport Compare() => DriftDetector.CompareColumns(_reference, _current);

    /// <summary>Profiles the current data.</summary>
    /// <returns>The profile.</returns>
    [Benchmark(Description = "ReferenceProfile.FromColumns (profile the current data)")]
    public ReferenceProfile Profile() => ReferenceProfile.FromColumns(_current);
}
