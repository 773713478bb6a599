using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MLOps.Monitoring.Quality.Internal;
using MLOps.Monitoring.Quality;

namespace MLOps.Benchmarks.Quality;

/// <summary>
/// Cost per prediction of keeping it for feedback joins: the quality observer (read the score, write a struct into
/// the preallocated ring, index it) and the bare store add, next to a bounded <see cref="ConcurrentDictionary{TKey, TValue}"/>
/// of boxed-free structs (add the new id, remove the one added <see cref="Capacity"/> calls ago) as the baseline.
/// </summary>
[MemoryDiagnoser]
public class PredictionStoreBenchmark
{
    private const int Capacity = 100_000;

    private readonly PredictionId[] _recent = new PredictionId[Capacity];
    private ConcurrentDictionary<PredictionId, StoredPrediction> _dictionary = null!;
    private PredictionStore _store = null!;
    private QualityObserver<Input, Output> _observer = null!;
    private ServiceProvider _services = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _dictionary = new ConcurrentDictionary<PredictionId, StoredPrediction>(Environment.ProcessorCount, Capacity);
        _store = new PredictionStore(Capacity, TimeSpan.FromDays(1));
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var instruments = new QualityInstruments(_services.GetRequiredService<IMeterFactory>());
        var settings = new QualitySettings("bench", QualityTask.Regression, false, false, 1000, null, Capacity, TimeSpan.FromDays(1), 20, 30);
        var tracker = new ModelQualityTracker(settings, TimeProvider.System, new QualityEvents(NullLogger.Instance), NullLogger.Instance);
        var options = new QualityMonitoringBuilder<Input, Output>();
        options.Regression(static o => o.Score);
        _observer = new QualityObserver<Input, Output>(tracker, new PredictionLogWriter(null, instruments, NullLogger.Instance), options);
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true, Description = "ConcurrentDictionary add + remove oldest")]
    public void ConcurrentDictionaryAdd()
    {
        PredictionId id = PredictionId.NewId();
        int slot = _next++ % Capacity;
        PredictionId old = _recent[slot];
        if (!old.IsEmpty)
        {
            _dictionary.TryRemove(old, out _);
        }

        _recent[slot] = id;
        _dictionary[id] = new StoredPrediction { Id = id, UtcTicks = DateTime.UtcNow.Ticks, Version = 1, Variant = "primary", Value = 1.5 };
    }

    [Benchmark(Description = "PredictionStore.Add (ring)")]
    public void StoreAdd()
    {
        PredictionId id = PredictionId.NewId();
        _store.Add(new StoredPrediction { Id = id, UtcTicks = DateTime.UtcNow.Ticks, Version = 1, Variant = "primary", Value = 1.5 });
    }

    [Benchmark(Description = "QualityObserver.OnPrediction")]
    public void Observer()
    {
        var context = new PredictionContext<Input, Output>(ModelName.Parse("bench"), Input.Instance, new Prediction<Output>(Output.Instance, PredictionId.NewId(), new ModelVersion(1), "primary"));
        _observer.OnPrediction(in context);
    }

    public sealed class Input
    {
        public static readonly Input Instance = new();

        public float Feature { get; set; } = 1;
    }

    public sealed class Output
    {
        public static readonly Output Instance = new() { Score = 2.5f };

        public float Score { get; set; }
    }
}
