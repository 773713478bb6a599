using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Monitoring.Quality.Internal;
using MLOps.Monitoring.Quality;

namespace MLOps.Monitoring.Tests.Quality.Support;

/// <summary>Any model output: a value, a label, a probability and a class, set by the test.</summary>
public sealed class AnyOutput
{
    public double Value { get; set; }

    public bool Label { get; set; }

    public double Probability { get; set; }

    public string? Class { get; set; }
}

/// <summary>
/// One quality-monitored model wired as <c>WithQualityMonitoring</c> wires it (observer, tracker, monitor, feedback
/// sink, instruments) without serving a real model, so that a test chooses every predicted value.
/// </summary>
public sealed class QualityHarness : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly QualityObserver<HouseInput, AnyOutput> _observer;

    public QualityHarness(
        Action<QualityMonitoringBuilder<HouseInput, AnyOutput>> configure,
        IPredictionLog? log = null,
        IFleetFeedbackQueue? fleet = null,
        IFeedbackLog? feedbackLog = null)
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        MeterFactory = _services.GetRequiredService<IMeterFactory>();
        var instruments = new QualityInstruments(MeterFactory);
        var options = new QualityMonitoringBuilder<HouseInput, AnyOutput>();
        configure(options);
        var events = new QualityEvents(NullLogger.Instance);
        Tracker = new ModelQualityTracker(options.ToSettings("m", options.Task!.Value), Time, events, NullLogger.Instance, instruments);
        Monitor = new ModelQualityMonitor([Tracker], events, instruments);
        Writer = new PredictionLogWriter(log, instruments, NullLogger.Instance);
        Sink = new FeedbackSink(Monitor, Writer, instruments, Time, NullLogger.Instance, fleet, feedbackLog);
        _observer = new QualityObserver<HouseInput, AnyOutput>(Tracker, Writer, options);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public IMeterFactory MeterFactory { get; }

    internal ModelQualityTracker Tracker { get; }

    internal ModelQualityMonitor Monitor { get; }

    internal FeedbackSink Sink { get; }

    internal PredictionLogWriter Writer { get; }

    public PredictionId Predict(AnyOutput output, string? region = null, int version = 1)
    {
        var context = new PredictionContext<HouseInput, AnyOutput>(
            ModelName.Parse("m"), new HouseInput { Region = region }, new Prediction<AnyOutput>(output, PredictionId.NewId(), new ModelVersion(version), "primary"));
        _observer.OnPrediction(in context);
        return context.Prediction.PredictionId;
    }

    public PredictionId PredictValue(double value, string? region = null) => Predict(new AnyOutput { Value = value }, region);

    public FeedbackResult Feedback(PredictionId id, GroundTruth actual) => Sink.RecordAsync(id, actual).AsTask().GetAwaiter().GetResult();

    public ModelQualityReport Report => Monitor.GetLatest(ModelName.Parse("m"))!;

    public void Dispose()
    {
        Writer.Dispose();
        _services.Dispose();
    }
}
