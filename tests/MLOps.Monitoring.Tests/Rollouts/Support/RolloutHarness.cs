using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Monitoring.Quality.Internal;
using MLOps.Monitoring.Rollouts;
using MLOps.Monitoring.Rollouts.Internal;
using MLOps.Monitoring.Tests.Quality.Support;

namespace MLOps.Monitoring.Tests.Rollouts.Support;

/// <summary>
/// A model "m" with versions 1 (champion), 2 and 3 in the real file-system registry (through
/// <see cref="FaultyRegistry"/> adds an outage switch), regression quality monitoring wired as <c>WithQualityMonitoring</c> wires it, and the
/// rollout analyzer. Predictions are reported as Core reports them: a measurement of the public
/// <c>mlops.prediction.duration</c> histogram and a call of the model's observers.
/// </summary>
public sealed class RolloutHarness : IAsyncDisposable
{
    public static readonly ModelName Model = ModelName.Parse("m");

    private readonly TempDirectory _dir = new();
    private readonly ServiceProvider _services;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _loads;
    private readonly QualityObserver<HouseInput, AnyOutput> _observer;
    private readonly FeedbackSink _sink;
    private readonly RolloutSignals _signals;

    private RolloutHarness(RolloutAnalysisOptions? options)
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        MeterFactory = _services.GetRequiredService<IMeterFactory>();
        Meter core = MeterFactory.Create(MLOpsTelemetry.Name);
        _duration = core.CreateHistogram<double>(MLOpsTelemetry.Instruments.PredictionDuration, "s");
        _loads = core.CreateCounter<long>(MLOpsTelemetry.Instruments.ModelLoads);
        Inner = new FileSystemModelRegistry(new FileSystemRegistryOptions { RootPath = _dir.Path }, Time);
        (Registry, Faults) = FaultyRegistry.Over(Inner);

        var instruments = new QualityInstruments(MeterFactory);
        var quality = new QualityMonitoringBuilder<HouseInput, AnyOutput>().Regression(o => o.Value);
        var events = new QualityEvents(NullLogger.Instance);
        var tracker = new ModelQualityTracker(quality.ToSettings(Model.Value, QualityTask.Regression), Time, events, NullLogger.Instance, instruments);
        Quality = new ModelQualityMonitor([tracker], events, instruments);
        var writer = new PredictionLogWriter(null, instruments, NullLogger.Instance);
        _sink = new FeedbackSink(Quality, writer, instruments, Time, NullLogger.Instance);
        _observer = new QualityObserver<HouseInput, AnyOutput>(tracker, writer, quality);
        _signals = new RolloutSignals(MeterFactory, events, null);
        Analyzer = new RolloutAnalyzer(Registry, _signals, Quality, options ?? new RolloutAnalysisOptions { MinLabelledPredictions = 10 }, Time, MeterFactory, Logger);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public IMeterFactory MeterFactory { get; }

    public FakeLogger Logger { get; } = new();

    public FileSystemModelRegistry Inner { get; }

    public IModelRegistry Registry { get; }

    public FaultyRegistry Faults { get; }

    internal ModelQualityMonitor Quality { get; }

    internal RolloutAnalyzer Analyzer { get; }

    public RolloutStatus Status => Analyzer.GetStatus(Model)!;

    public static async Task<RolloutHarness> CreateAsync(RolloutAnalysisOptions? options = null)
    {
        var harness = new RolloutHarness(options);
        for (int i = 1; i <= 3; i++)
        {
            await harness.Inner.RegisterVersionAsync(new RegisterVersionRequest(Model, [ModelArtifact.FromBytes(new byte[] { 1, 2, (byte)i })]));
        }

        await harness.Inner.PromoteAsync(new PromoteRequest(Model, new ModelVersion(1), ModelAlias.Champion) { Reason = "first" });
        return harness;
    }

    public Task<Rollout> StartAsync(RolloutStrategy strategy, RolloutAnalysis analysis, IReadOnlyList<int>? steps = null, int candidate = 2) =>
        Registry.StartRolloutAsync(new StartRolloutRequest(Model, new ModelVersion(candidate), strategy) { Steps = steps, Analysis = analysis, Reason = "test" });

    /// <summary>One pass after the rollout's interval (the first pass of a rollout opens its window).</summary>
    public async Task PassAsync(TimeSpan? advance = null)
    {
        Time.Advance(advance ?? TimeSpan.FromMinutes(1));
        await Analyzer.RunOnceAsync([Model], CancellationToken.None);
    }

    /// <summary>Reports <paramref name="count"/> predictions of a version as Core does; returns their ids.</summary>
    public List<PredictionId> Predict(int version, string variant, int count, double value = 10, double seconds = 0.002, int failEvery = 0)
    {
        var ids = new List<PredictionId>(count);
        for (int i = 0; i < count; i++)
        {
            bool failed = failEvery > 0 && i % failEvery == 0;
            var tags = new TagList
            {
                { MLOpsTelemetry.Tags.ModelName, Model.Value },
                { MLOpsTelemetry.Tags.ModelVersion, version.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                { MLOpsTelemetry.Tags.Variant, variant },
            };
            if (failed)
            {
                tags.Add(MLOpsTelemetry.Tags.ErrorType, "System.InvalidOperationException");
                _duration.Record(seconds, tags);
                continue;
            }

            _duration.Record(seconds, tags);
            ids.Add(Observe(version, variant, value));
        }

        return ids;
    }

    /// <summary>Calls the observers as Core does for one prediction (no duration measurement).</summary>
    public PredictionId Observe(int version, string variant, double value, PredictionId? id = null)
    {
        var context = new PredictionContext<HouseInput, AnyOutput>(
            Model, new HouseInput(), new Prediction<AnyOutput>(new AnyOutput { Value = value }, id ?? PredictionId.NewId(), new ModelVersion(version), variant))
        {
            IsShadow = variant == "shadow",   // as Core marks a mirrored prediction
        };
        _observer.OnPrediction(in context);
        return context.Prediction.PredictionId;
    }

    public void LoadFailed(string variant) => _loads.Add(1, new TagList
    {
        { MLOpsTelemetry.Tags.ModelName, Model.Value },
        { MLOpsTelemetry.Tags.Variant, variant },
        { MLOpsTelemetry.Tags.Outcome, "failure" },
        { MLOpsTelemetry.Tags.ErrorType, "System.IO.InvalidDataException" },
    });

    public FeedbackResult Feedback(PredictionId id, double actual) => _sink.RecordAsync(id, GroundTruth.FromNumber(actual)).AsTask().GetAwaiter().GetResult();

    public void Feedback(IEnumerable<PredictionId> ids, double actual)
    {
        foreach (PredictionId id in ids)
        {
            Assert.Equal(FeedbackOutcome.Joined, Feedback(id, actual).Outcome);
        }
    }

    public async Task<Rollout> RolloutAsync() => (await Registry.ListRolloutsAsync(Model))[0];

    public async Task<ModelVersion?> ChampionAsync() => (await Inner.GetModelAsync(Model))!.Aliases.GetValueOrDefault(ModelAlias.Champion);

    public async ValueTask DisposeAsync()
    {
        _signals.Dispose();
        await _services.DisposeAsync();
        Inner.Dispose();
        _dir.Dispose();
    }
}
