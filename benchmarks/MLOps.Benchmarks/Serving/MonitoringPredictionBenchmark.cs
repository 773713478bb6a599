using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using MLOps.Monitoring.Profiles;

namespace MLOps.Benchmarks.Serving;

/// <summary>
/// What the monitoring observers add to <see cref="IModelClient{TIn, TOut}.Predict(TIn)"/> (no metrics listener): drift
/// (the row's features counted into the open window; a full window of 500 rows is evaluated on the thread pool) and
/// drift plus quality (the prediction kept in the ring store for its ground truth, with its segment). The question
/// behind <c>MONITORING=true benchmarks/http/run.sh</c>: the observers' cost per prediction on the caller's thread.
/// Every case predicts the same 4,096 inputs in turn, drawn from the reference's distribution: one repeated input
/// would drift in every window, and each window's report (and its warning) would be part of the figure.
/// </summary>
[MemoryDiagnoser]
public class MonitoringPredictionBenchmark
{
    private ServiceProvider _plain = null!;
    private ServiceProvider _drift = null!;
    private ServiceProvider _both = null!;
    private IModelClient<TripInput, TripPrediction> _plainClient = null!;
    private IModelClient<TripInput, TripPrediction> _driftClient = null!;
    private IModelClient<TripInput, TripPrediction> _bothClient = null!;
    private TripInput[] _inputs = null!;
    private int _next;

    [Params(ModelSize.Tiny, ModelSize.Taxi)]
    public ModelSize Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ITransformer model = BenchModel.Train(Size);
        ReferenceProfile reference = ReferenceProfile.Create(Trips(new Random(2), 2000));
        _inputs = Trips(new Random(3), 4096);
        (_plain, _plainClient) = Build(model, _ => { });
        (_drift, _driftClient) = Build(model, m => m.WithDriftMonitoring(d => d.UseReference(reference).WindowSize(500)));
        (_both, _bothClient) = Build(model, m => m
            .WithDriftMonitoring(d => d.UseReference(reference).WindowSize(500))
            .WithQualityMonitoring(q => q.Regression(o => o.Duration).Window(500).SegmentBy(t => t.Vendor)));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plain.Dispose();
        _drift.Dispose();
        _both.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Predict, no observer")]
    public TripPrediction NoObserver() => _plainClient.Predict(NextInput()).Value;

    [Benchmark(Description = "Predict, drift")]
    public TripPrediction Drift() => _driftClient.Predict(NextInput()).Value;

    [Benchmark(Description = "Predict, drift + quality")]
    public TripPrediction DriftAndQuality() => _bothClient.Predict(NextInput()).Value;

    private static TripInput[] Trips(Random random, int count) => [.. Enumerable.Range(0, count).Select(_ => new TripInput
    {
        Distance = (float)(random.NextDouble() * 20),
        Passengers = 1 + random.Next(4),
        Hour = random.Next(24),
        Vendor = random.Next(2) == 0 ? "CMT" : "VTS",
        Payment = random.Next(3) == 0 ? "cash" : "card",
    })];

    private TripInput NextInput() => _inputs[_next++ & (4096 - 1)];

    private static (ServiceProvider, IModelClient<TripInput, TripPrediction>) Build(ITransformer model, Action<ModelServingBuilder<TripInput, TripPrediction>> monitoring)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMLOps().AddModel<TripInput, TripPrediction>("trip-duration", m =>
        {
            m.FromTransformer(model);
            monitoring(m);
        });
        ServiceProvider provider = services.BuildServiceProvider();
        IModelClient<TripInput, TripPrediction> client = provider.GetRequiredService<IModelClient<TripInput, TripPrediction>>();
        client.Predict(BenchModel.Input);
        return (provider, client);
    }
}
