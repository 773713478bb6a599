using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MLOps.Monitoring.Batch;
using MLOps.Monitoring.Batch.Internal;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Monitoring.Quality.Internal;

namespace MLOps.Monitoring.Tests.Batch;

/// <summary>
/// The online path end to end (observer → JSON-lines log with inputs; feedback → sink and the feedback log) against
/// the batch job over the same log: the same windows, the same metrics.
/// </summary>
public sealed class BatchQualityTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _time = new(BatchRows.T0);

    public void Dispose() => _services.Dispose();

    private sealed class Output
    {
        public bool Label { get; set; }

        public double Probability { get; set; }

        public double Value { get; set; }
    }

    private (QualityObserver<LoanInput, Output> Observer, PredictionLogWriter Writer, ModelQualityMonitor Monitor, FeedbackSink Sink) Online(
        Action<QualityMonitoringBuilder<LoanInput, Output>> configure, IPredictionLog log)
    {
        var instruments = new QualityInstruments(_services.GetRequiredService<IMeterFactory>());
        var options = new QualityMonitoringBuilder<LoanInput, Output>();
        configure(options);
        var events = new QualityEvents(NullLogger.Instance);
        var tracker = new ModelQualityTracker(options.ToSettings("loan", options.Task!.Value), _time, events, NullLogger.Instance, instruments);
        var monitor = new ModelQualityMonitor([tracker], events, instruments);
        var writer = new PredictionLogWriter(log, instruments, NullLogger.Instance);
        return (new QualityObserver<LoanInput, Output>(tracker, writer, options), writer, monitor, new FeedbackSink(monitor, writer, instruments, _time, NullLogger.Instance));
    }

    [Fact]
    public async Task RunAsync_BinaryClassifierWithSegments_SameWindowsAndMetricsAsOnline()
    {
        using var dir = new TempDirectory();
        using var log = new JsonLinesPredictionLog(Options.Create(new JsonLinesPredictionLogOptions { Directory = dir.Path, FlushToDisk = false }));
        var online = Online(q => q.BinaryClassification(o => o.Label, o => o.Probability).SegmentBy(i => i.City).Window(100).LogInputs(), log);
        var random = new Random(7);
        LoanInput[] inputs = BatchRows.Inputs(1800, seed: 11);
        var ids = new List<(PredictionId Id, bool Actual)>();
        for (int i = 0; i < inputs.Length; i++)
        {
            double p = random.NextDouble();
            int version = i < 900 ? 1 : 2;
            var context = new PredictionContext<LoanInput, Output>(BatchRows.Model, inputs[i],
                new Prediction<Output>(new Output { Label = p >= 0.5, Probability = p }, PredictionId.NewId(), new ModelVersion(version), i % 3 == 0 ? "canary" : "primary"));
            online.Observer.OnPrediction(in context);
            if (i % 4 != 3)
            {
                ids.Add((context.Prediction.PredictionId, random.NextDouble() < (p * 0.8) + 0.1));
            }

            _time.Advance(TimeSpan.FromSeconds(1));
        }

        await online.Writer.DrainAsync();
        foreach ((PredictionId id, bool actual) in ids)
        {
            // Feedback in prediction order, so the online windows hold the pairs the batch job replays.
            Assert.Equal(FeedbackOutcome.Joined, (await online.Sink.RecordAsync(id, actual)).Outcome);
            Assert.True(await log.TryAppendAsync(new FeedbackRecord(id, actual, _time.GetUtcNow())));
        }

        ModelQualityReport expected = online.Monitor.GetLatest(BatchRows.Model)!;
        var batch = new BatchMonitor(log, null, online.Monitor, _time, NullLogger.Instance);

        BatchMonitoringReport report = await batch.RunAsync(new BatchMonitoringRequest(BatchRows.Model, BatchRows.T0, _time.GetUtcNow()));

        Assert.Equal(1800, report.RowsWithInputs);
        Assert.Equal(ids.Count, report.LabelledRows);
        ModelQualityReport actualReport = report.Quality!;
        Assert.Equal(expected.History.Count, actualReport.History.Count);
        Assert.True(expected.History.Count >= 4);
        Assert.Equal(Shape(expected.History), Shape(actualReport.History));
        Assert.Equal(Shape(expected.Current), Shape(actualReport.Current));
        Assert.Equal(expected.JoinedFeedback, actualReport.JoinedFeedback);
        for (int w = 0; w < expected.History.Count; w++)
        {
            Assert.Equal(expected.History[w].Metrics, actualReport.History[w].Metrics);
            Assert.Equal(expected.History[w].Segments.Select(s => (s.Segment, s.Count, s.Metrics.OrderBy(m => m.Key).ToArray())),
                actualReport.History[w].Segments.Select(s => (s.Segment, s.Count, s.Metrics.OrderBy(m => m.Key).ToArray())));
        }

        Assert.Equal(expected.Current.Select(c => c.Metrics), actualReport.Current.Select(c => c.Metrics));
        // The batch windows carry the prediction times.
        Assert.All(actualReport.History, w => Assert.InRange(w.End, BatchRows.T0, BatchRows.T0.AddSeconds(1799)));
    }

    private static (int, string, long, long)[] Shape(IEnumerable<QualityWindow> windows) =>
        [.. windows.Select(w => (w.ModelVersion.Number, w.Variant, w.Count, w.Skipped))];

    [Fact]
    public async Task LogInputs_On_WritesTheInputFeaturesAsDriftReadsThemAndOff_WritesNone()
    {
        using var dir = new TempDirectory();
        using var log = new JsonLinesPredictionLog(Options.Create(new JsonLinesPredictionLogOptions { Directory = dir.Path, FlushToDisk = false }));
        var with = Online(q => q.Regression(o => o.Value).LogInputs(p => p.Roles["City"] = FeatureRole.Ignore), log);
        var without = Online(q => q.Regression(o => o.Value), log);
        var input = new LoanInput { Income = 61.5, Owner = true, City = "nice" };
        foreach (var online in new[] { with, without })
        {
            var context = new PredictionContext<LoanInput, Output>(BatchRows.Model, input,
                new Prediction<Output>(new Output { Value = 3 }, PredictionId.NewId(), new ModelVersion(1), "primary"));
            online.Observer.OnPrediction(in context);
            await online.Writer.DrainAsync();
        }

        var rows = new List<LoggedPrediction>();
        await foreach (LoggedPrediction row in log.ReadAsync(BatchRows.Model, BatchRows.T0, BatchRows.T0.AddDays(1)))
        {
            rows.Add(row);
        }

        Assert.Equal(2, rows.Count);
        Assert.Equal([new LoggedFeature("Income", FeatureKind.Numeric, 61.5, null), new LoggedFeature("Owner", FeatureKind.Boolean, 1, null)], rows[0].Prediction.Inputs!);
        Assert.Null(rows[1].Prediction.Inputs);
    }

    [Fact]
    public void LogInputs_TypeWithoutFeatures_ThrowsAtConfiguration()
    {
        var options = new QualityMonitoringBuilder<Output, Output>();

        Assert.Throws<ArgumentException>(() => options.LogInputs(p => p.Include.Add("Nothing")));
    }
}
