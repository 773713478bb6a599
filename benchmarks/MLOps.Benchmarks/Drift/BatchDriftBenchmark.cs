using BenchmarkDotNet.Attributes;
using MLOps.Monitoring;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Profiles;

namespace MLOps.Benchmarks.Drift;

/// <summary>A batch drift report over N current rows × M numeric features, against profiling the same data.</summary>
[MemoryDiagnoser]
public class BatchDriftBenchmark
{
    private ReferenceProfile _reference = null!;
    private KeyValuePair<string, double[]>[] _current = null!;
    private DriftOptions _options = null!;

    [Params(1_000, 100_000)]
    public int Rows { get; set; }

    [Params(1, 20)]
    public int Features { get; set; }

    [Params(DriftMethod.Auto, DriftMethod.KolmogorovSmirnov)]
    public DriftMethod Method { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        KeyValuePair<string, double[]>[] Columns(double shift) =>
            [.. Enumerable.Range(0, Features).Select(f => new KeyValuePair<string, double[]>(
                "f" + f, [.. Enumerable.Range(0, Rows).Select(_ => shift + random.NextDouble())]))];
        _reference = ReferenceProfile.FromColumns(Columns(0));
        _current = Columns(0.05);
        _options = new DriftOptions { DefaultMethod = Method };
    }

    [Benchmark(Baseline = true, Description = "ReferenceProfile.FromColumns (profile the current data)")]
    public ReferenceProfile Profile() => ReferenceProfile.FromColumns(_current);

    [Benchmark(Description = "DriftDetector.CompareColumns (drift report)")]
    public DriftReport Compare() => DriftDetector.CompareColumns(_reference, _current, options: _options);
}
