using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Drift.Internal;
using MLOps.Monitoring.Profiles;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace MLOps.Benchmarks.Drift;

/// <summary>
/// The cost of counting one prediction's input into the online drift window (what the observer does on the prediction
/// path), against recording one histogram measurement with 3 tags into a real OpenTelemetry MeterProvider (what the
/// serving pipeline already pays per prediction). Target: one numeric feature value ≤ the baseline, 0 B. The ten-feature
/// case divided by ten is the per-value cost once the row's fixed cost (the window lock) is shared.
/// </summary>
[MemoryDiagnoser]
public class DriftWindowBenchmark
{
    private static readonly string[] Districts = ["north", "south", "east", "west"];

    private BenchRow[] _rows = null!;
    private DriftWindow<BenchRow> _window = null!;
    private ServiceProvider _services = null!;
    private MeterProvider _meterProvider = null!;
    private Meter _meter = null!;
    private Histogram<double> _histogram = null!;
    private int _next;

    /// <summary>Which features the reference profile has.</summary>
    public enum FeatureSet
    {
        /// <summary>One numeric feature (the per-value figure).</summary>
        OneNumeric,

        /// <summary>Two numeric features (one continuous, one integer with 6 values) and one categorical (string) feature.</summary>
        ThreeMixed,

        /// <summary>Ten continuous numeric features: the row's fixed cost (lock, pane checks) shared by ten values.</summary>
        TenNumeric,
    }

    [Params(FeatureSet.OneNumeric, FeatureSet.ThreeMixed, FeatureSet.TenNumeric)]
    public FeatureSet Features { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _rows = [.. Enumerable.Range(0, 4096).Select(i => new BenchRow
        {
            Size = 50 + (random.NextDouble() * 100),
            Rooms = 1 + random.Next(6),
            District = Districts[random.Next(Districts.Length)],
            Values = [.. Enumerable.Range(0, 9).Select(_ => random.NextDouble() * 10)],
        })];
        var options = new ProfileOptions();
        options.Include.Add(nameof(BenchRow.Size));
        if (Features == FeatureSet.ThreeMixed)
        {
            options.Include.Add(nameof(BenchRow.Rooms));
            options.Include.Add(nameof(BenchRow.District));
        }

        if (Features == FeatureSet.TenNumeric)
        {
            foreach (string name in new[] { "V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9" })
            {
                options.Include.Add(name);
            }
        }

        ReferenceProfile profile = ReferenceProfile.Create(_rows, options);
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var config = new DriftMonitoringBuilder().WindowSize(int.MaxValue);   // no window boundary during the measurement
        var reference = new CompiledReference(profile, config.Options);
        _window = new DriftWindow<BenchRow>(
            ModelName.Parse("bench"), 0, reference, config, TimeProvider.System, new DriftMonitor(), new DriftMetrics(_services.GetRequiredService<IMeterFactory>()));

        _meter = new Meter("MLOps.Benchmarks.DriftBaseline");
        _histogram = _meter.CreateHistogram<double>("bare.duration", "s");
        _meterProvider = Sdk.CreateMeterProviderBuilder().AddMeter(_meter.Name).Build();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _meterProvider.Dispose();
        _meter.Dispose();
        _services.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Histogram.Record, 3 tags, OpenTelemetry MeterProvider")]
    public void HistogramRecord()
    {
        var tags = new TagList
        {
            { MLOpsTelemetry.Tags.ModelName, "bench" },
            { MLOpsTelemetry.Tags.ModelVersion, "1" },
            { MLOpsTelemetry.Tags.Variant, "primary" },
        };
        _histogram.Record(0.001, tags);
    }

    [Benchmark(Description = "Drift window: add one prediction's input")]
    public void WindowAdd() => _window.Add(_rows[_next++ & 4095], 1);

    public sealed class BenchRow
    {
        public double Size { get; set; }

        public int Rooms { get; set; }

        public string? District { get; set; }

        public double[] Values { get; set; } = [];

        public double V1 => Values[0];

        public double V2 => Values[1];

        public double V3 => Values[2];

        public double V4 => Values[3];

        public double V5 => Values[4];

        public double V6 => Values[5];

        public double V7 => Values[6];

        public double V8 => Values[7];

        public double V9 => Values[8];
    }
}
