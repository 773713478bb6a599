using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using MLOps.Internal;

namespace MLOps.Benchmarks.Serving;

/// <summary>
/// Overhead of <see cref="IModelClient{TIn, TOut}.Predict"/> over a raw ML.NET <see cref="PredictionEngine{TSrc, TDst}"/>,
/// without any metrics listener and with a <see cref="MeterListener"/> attached, next to the cost of a bare
/// <see cref="Histogram{T}.Record(T, in TagList)"/> with the same three tags under the same listener.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 20)]
public class PredictionBenchmark
{
    private ServiceProvider _plain = null!;
    private ServiceProvider _metered = null!;
    private PredictionEngine<TripInput, TripPrediction> _raw = null!;
    private IModelClient<TripInput, TripPrediction> _client = null!;
    private IModelClient<TripInput, TripPrediction> _meteredClient = null!;
    private MeterListener _listener = null!;
    private Meter _bareMeter = null!;
    private Histogram<double> _bareHistogram = null!;

    [Params(ModelSize.Tiny, ModelSize.Taxi)]
    public ModelSize Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ITransformer model = BenchModel.Train(Size);
        _raw = new MLContext().Model.CreatePredictionEngine<TripInput, TripPrediction>(model);
        _plain = Build(model);
        _metered = Build(model);
        _client = _plain.GetRequiredService<IModelClient<TripInput, TripPrediction>>();
        _meteredClient = _metered.GetRequiredService<IModelClient<TripInput, TripPrediction>>();

        _bareMeter = new Meter("MLOps.Benchmarks.Bare");
        _bareHistogram = _bareMeter.CreateHistogram<double>("bare.duration", "s");
        Meter meteredMeter = _metered.GetRequiredService<MLOpsMetrics>().Meter;
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter == meteredMeter || instrument.Meter == _bareMeter)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<double>(static (_, value, _, _) => Volatile.Write(ref Sink.Value, value));
        _listener.Start();

        _client.Predict(BenchModel.Input);
        _meteredClient.Predict(BenchModel.Input);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _listener.Dispose();
        _bareMeter.Dispose();
        _raw.Dispose();
        _plain.Dispose();
        _metered.Dispose();
    }

    [Benchmark(Baseline = true, Description = "PredictionEngine.Predict (raw)")]
    public TripPrediction RawEngine() => _raw.Predict(BenchModel.Input);

    [Benchmark(Description = "IModelClient.Predict, no listener")]
    public TripPrediction Client() => _client.Predict(BenchModel.Input).Value;

    [Benchmark(Description = "IModelClient.Predict, MeterListener")]
    public TripPrediction ClientWithMeterListener() => _meteredClient.Predict(BenchModel.Input).Value;

    [Benchmark(Description = "Histogram.Record, 3 tags, MeterListener")]
    public double BareHistogramRecord()
    {
        long start = Stopwatch.GetTimestamp();
        var tags = new TagList
        {
            { MLOpsTelemetry.Tags.ModelName, "trip-duration" },
            { MLOpsTelemetry.Tags.ModelVersion, "1" },
            { MLOpsTelemetry.Tags.Variant, "primary" },
        };
        _bareHistogram.Record(Stopwatch.GetElapsedTime(start).TotalSeconds, tags);
        return Volatile.Read(ref Sink.Value);
    }

    internal static ServiceProvider Build(ITransformer model)
    {
        var services = new ServiceCollection();
        services.AddMLOps().AddModel<TripInput, TripPrediction>("trip-duration", m => m.FromTransformer(model));
        return services.BuildServiceProvider();
    }

    private static class Sink
    {
        public static double Value;
    }
}
