using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace MLOps.Benchmarks.Serving;

/// <summary>
/// The same comparison with a real OpenTelemetry <see cref="MeterProvider"/> aggregating the histogram (what a service
/// exporting to Prometheus or OTLP runs). Its own class, so the provider does not turn metrics on for the others.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 20)]
public class OpenTelemetryPredictionBenchmark
{
    private ServiceProvider _services = null!;
    private PredictionEngine<TripInput, TripPrediction> _raw = null!;
    private IModelClient<TripInput, TripPrediction> _client = null!;
    private MeterProvider _meterProvider = null!;
    private Meter _bareMeter = null!;
    private Histogram<double> _bareHistogram = null!;

    [Params(ModelSize.Tiny, ModelSize.Taxi)]
    public ModelSize Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ITransformer model = BenchModel.Train(Size);
        _raw = new MLContext().Model.CreatePredictionEngine<TripInput, TripPrediction>(model);
        _bareMeter = new Meter("MLOps.Benchmarks.Bare");
        _bareHistogram = _bareMeter.CreateHistogram<double>("bare.duration", "s");
        _meterProvider = Sdk.CreateMeterProviderBuilder()
            .AddMLOpsInstrumentation()
            .AddMeter(_bareMeter.Name)
            .Build();
        _services = PredictionBenchmark.Build(model);
        _client = _services.GetRequiredService<IModelClient<TripInput, TripPrediction>>();
        _client.Predict(BenchModel.Input);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        _meterProvider.Dispose();
        _bareMeter.Dispose();
        _raw.Dispose();
    }

    [Benchmark(Baseline = true, Description = "PredictionEngine.Predict (raw)")]
    public TripPrediction RawEngine() => _raw.Predict(BenchModel.Input);

    [Benchmark(Description = "IModelClient.Predict, OpenTelemetry MeterProvider")]
    public TripPrediction Client() => _client.Predict(BenchModel.Input).Value;

    [Benchmark(Description = "Histogram.Record, 3 tags, OpenTelemetry MeterProvider")]
    public void BareHistogramRecord()
    {
        long start = Stopwatch.GetTimestamp();
        var tags = new TagList
        {
            { MLOpsTelemetry.Tags.ModelName, "trip-duration" },
            { MLOpsTelemetry.Tags.ModelVersion, "1" },
            { MLOpsTelemetry.Tags.Variant, "primary" },
        };
        _bareHistogram.Record(Stopwatch.GetElapsedTime(start).TotalSeconds, tags);
    }
}
