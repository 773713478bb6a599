using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Drift.Internal;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Tests.Support;

namespace MLOps.Monitoring.Tests.Drift;

/// <summary>The online window on its own: many threads adding at once, and a row whose getter throws.</summary>
public sealed class DriftWindowTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly DriftMonitor _monitor = new();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task Add_FourThreadsWithoutPause_EveryRowAndEveryValueIsCountedOnce()
    {
        const int PerThread = 50_000;
        Row[] rows = Rows(1000, seed: 1);
        DriftWindow<Row> window = Window(rows, windowSize: 4 * PerThread);
        var reports = new List<DriftReport>();
        using IDisposable subscription = _monitor.Subscribe(report =>
        {
            lock (reports)
            {
                reports.Add(report);
            }
        });

        using var start = new Barrier(4);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < PerThread; i++)
            {
                window.Add(rows[(i + (t * 250)) % rows.Length], 1);
            }
        })));

        await Eventually.HoldsAsync(() => reports.Count == 1, "the one full window's report");
        DriftReport report = reports.Single();
        Assert.Equal(4 * PerThread, report.CurrentRows);
        Assert.All(report.Features, f => Assert.Equal(4 * PerThread, f.CurrentCount));
    }

    [Fact]
    public async Task Add_AGetterThrows_TheExceptionReachesTheCallerAndTheWindowKeepsCounting()
    {
        Row[] rows = Rows(100, seed: 2);
        DriftWindow<Row> window = Window(rows, windowSize: 10);
        var reports = new List<DriftReport>();
        using IDisposable subscription = _monitor.Subscribe(report =>
        {
            lock (reports)
            {
                reports.Add(report);
            }
        });

        Assert.Throws<InvalidOperationException>(() => window.Add(new Row { Size = 1, Throws = true }, 1));

        // On another thread, so a lock left held would hang this add instead of re-entering.
        await Task.Run(() =>
        {
            foreach (Row row in rows.Take(10))
            {
                window.Add(row, 1);
            }
        }).WaitAsync(TimeSpan.FromSeconds(30));

        await Eventually.HoldsAsync(() => reports.Count == 1, "the window's report");
        Assert.True(reports[0].CurrentRows >= 10);
    }

    [Fact]
    public async Task Publish_ExtremeFeatureValuesOverflowTheScore_GaugeNeverRecordsANonFiniteValueAndTheSkipIsCounted()
    {
        // Issue 15 item 2, drift side: a Wasserstein distance over values near ±double.MaxValue overflows.
        var factory = _services.GetRequiredService<IMeterFactory>();
        using var scores = new MetricCollector<double>(factory, MLOpsTelemetry.Name, DriftTelemetry.Instruments.DriftScore);
        using var skipped = new MetricCollector<long>(factory, MLOpsTelemetry.Name, DriftTelemetry.Instruments.ValuesSkipped);
        var random = new Random(3);
        Row[] reference = [.. Enumerable.Range(0, 500).Select(_ => new Row { Size = random.NextDouble() * 0.001, Rooms = 1, District = "a" })];
        DriftWindow<Row> window = Window(reference, windowSize: 50, c => c.Method(nameof(Row.Size), DriftMethod.Wasserstein));
        var reports = new List<DriftReport>();
        using IDisposable subscription = _monitor.Subscribe(report =>
        {
            lock (reports)
            {
                reports.Add(report);
            }
        });

        for (int i = 0; i < 50; i++)
        {
            window.Add(new Row { Size = i % 2 == 0 ? double.MaxValue : -double.MaxValue, Rooms = 1, District = "a" }, 1);
        }

        await Eventually.HoldsAsync(() => reports.Count == 1, "the window's report");
        FeatureDriftResult size = reports[0].Features.Single(f => f.Feature == nameof(Row.Size));
        Assert.False(double.IsFinite(size.Score), $"the probe must overflow (score {size.Score})");
        Assert.All(scores.GetMeasurementSnapshot(), m => Assert.True(double.IsFinite(m.Value)));
        CollectedMeasurement<long> skip = Assert.Single(skipped.GetMeasurementSnapshot());
        Assert.Equal((nameof(Row.Size), DriftTelemetry.Instruments.DriftScore), (skip.Tags[DriftTelemetry.Tags.Feature], skip.Tags[DriftTelemetry.Tags.Value]));
    }

    private static Row[] Rows(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => new Row { Size = random.NextDouble() * 100, Rooms = 1 + random.Next(5), District = random.Next(3).ToString(System.Globalization.CultureInfo.InvariantCulture) })];
    }

    private DriftWindow<Row> Window(Row[] reference, int windowSize, Action<DriftMonitoringBuilder>? configure = null)
    {
        ReferenceProfile profile = ReferenceProfile.Create(reference, new ProfileOptions());
        DriftMonitoringBuilder config = new DriftMonitoringBuilder().WindowSize(windowSize);
        configure?.Invoke(config);
        return new DriftWindow<Row>(
            ModelName.Parse("m"), 0, new CompiledReference(profile, config.Options), config, TimeProvider.System, _monitor, new DriftMetrics(_services.GetRequiredService<IMeterFactory>()));
    }

    public sealed class Row
    {
        private readonly double _size;

        public double Size
        {
            get => Throws ? throw new InvalidOperationException("getter failed") : _size;
            init => _size = value;
        }

        public int Rooms { get; init; }

        public string? District { get; init; }

        internal bool Throws { get; init; }
    }
}
