using BenchmarkDotNet.Attributes;
using MLOps.Monitoring.Statistics;

namespace MLOps.Benchmarks.Statistics;

/// <summary>
/// Cost of the two-sample KS test with the exact p-value (n₁ = n₂ = 10,000, SciPy's largest exact size) against the
/// floor any implementation pays: sorting a copy of the 20,000 pooled values. Target: at most 2× the baseline.
/// Also the pre-sorted overload and an unequal-size exact case (lattice-path recursion instead of the closed series).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 20)]
public class KolmogorovSmirnovBenchmark
{
    private const int Size = 10_000;

    private double[] _reference = null!;
    private double[] _current = null!;
    private double[] _pooled = null!;
    private double[] _scratch = null!;
    private double[] _sortedReference = null!;
    private double[] _sortedCurrent = null!;
    private double[] _unequalCurrent = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _reference = Normal(random, Size, 0);
        _current = Normal(random, Size, 0.02);
        _unequalCurrent = Normal(random, 7_000, 0.02);
        _pooled = [.. _reference, .. _current];
        _scratch = new double[_pooled.Length];
        _sortedReference = [.. _reference.Order()];
        _sortedCurrent = [.. _current.Order()];
    }

    [Benchmark(Baseline = true, Description = "Array.Sort(copy of 20,000 pooled)")]
    public double SortPooledCopy()
    {
        _pooled.CopyTo(_scratch, 0);
        Array.Sort(_scratch);
        return _scratch[0];
    }

    [Benchmark(Description = "TwoSample 10,000 x 10,000 (exact)")]
    public TestResult TwoSample() => KolmogorovSmirnov.TwoSample(_reference, _current);

    [Benchmark(Description = "TwoSampleSorted 10,000 x 10,000 (exact)")]
    public TestResult TwoSampleSorted() => KolmogorovSmirnov.TwoSampleSorted(_sortedReference, _sortedCurrent);

    [Benchmark(Description = "TwoSample 10,000 x 7,000 (exact, unequal)")]
    public TestResult TwoSampleUnequal() => KolmogorovSmirnov.TwoSample(_reference, _unequalCurrent);

    private static double[] Normal(Random random, int count, double shift)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            // Box-Muller.
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            values[i] = shift + (Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return values;
    }
}
