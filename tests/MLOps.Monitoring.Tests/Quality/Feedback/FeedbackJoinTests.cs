using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Tests.Quality.Support;

namespace MLOps.Monitoring.Tests.Quality.Feedback;

public class FeedbackJoinTests
{
    [Fact]
    public async Task RecordAsync_RegressionModel_JoinsAndClosesCountWindowWithSklearnMetrics()
    {
        await using var provider = QualityServices.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m
            .FromTransformer(QualityTestModels.House)
            .WithQualityMonitoring(q => q.Regression(o => o.Score).Window(5))));
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        var sink = provider.GetRequiredService<IFeedbackSink>();
        var monitor = provider.GetRequiredService<IModelQualityMonitor>();
        var closed = new List<QualityWindow>();
        using IDisposable subscription = monitor.Subscribe(closed.Add);

        HouseInput[] inputs = QualityTestModels.HouseInputs(7);
        Prediction<HousePrediction>[] predictions = client.PredictBatch(inputs);
        double[] actual = inputs.Select(i => (0.3 * i.Size) + (5 * i.Rooms) + 2).ToArray();
        var results = new List<FeedbackResult>();
        for (int i = 0; i < predictions.Length; i++)
        {
            results.Add(await sink.RecordAsync(predictions[i].PredictionId, actual[i]));
        }

        Assert.All(results, r => Assert.Equal(FeedbackOutcome.Joined, r.Outcome));
        Assert.All(results, r => Assert.Equal(("house", new ModelVersion(1), "primary"), (r.ModelName?.Value, r.ModelVersion, r.Variant)));
        QualityWindow window = Assert.Single(closed);
        Assert.True(window.IsClosed);
        Assert.Equal(5, window.Count);
        double[] predicted = predictions.Take(5).Select(p => (double)p.Value.Score).ToArray();
        double[] truth = actual.Take(5).ToArray();
        Assert.Equal(QualityMetrics.R2Score(truth, predicted), window.Metrics[QualityMetricNames.R2], 12);
        Assert.Equal(QualityMetrics.RootMeanSquaredError(truth, predicted), window.Metrics[QualityMetricNames.Rmse], 12);
        Assert.Equal(QualityMetrics.MeanAbsoluteError(truth, predicted), window.Metrics[QualityMetricNames.Mae], 12);
        Assert.Equal(QualityMetrics.MeanAbsolutePercentageError(truth, predicted), window.Metrics[QualityMetricNames.Mape], 12);

        ModelQualityReport report = monitor.GetLatest(ModelName.Parse("house"))!;
        Assert.Same(window, Assert.Single(report.Closed));
        QualityWindow current = Assert.Single(report.Current);
        Assert.False(current.IsClosed);
        Assert.Equal(2, current.Count);
        Assert.Equal(7, report.JoinedFeedback);
        Assert.Null(monitor.GetLatest(ModelName.Parse("other")));
        Assert.Equal([ModelName.Parse("house")], monitor.ModelNames);
    }

    [Fact]
    public async Task QualityGaugeAndFeedbackCounter_AfterWindowCloses_ArePublishedWithModelVersionVariantAndMetricTags()
    {
        await using var provider = QualityServices.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m
            .FromTransformer(QualityTestModels.House)
            .WithVariant("canary")
            .WithQualityMonitoring(q => q.Regression(o => o.Score).Window(3))));
        var meterFactory = provider.GetRequiredService<IMeterFactory>();
        using var gauge = new MetricCollector<double>(meterFactory, MLOpsTelemetry.Name, QualityTelemetry.ModelQuality);
        using var counter = new MetricCollector<long>(meterFactory, MLOpsTelemetry.Name, QualityTelemetry.FeedbackReceived);
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        var sink = provider.GetRequiredService<IFeedbackSink>();

        foreach (HouseInput input in QualityTestModels.HouseInputs(3))
        {
            Prediction<HousePrediction> p = client.Predict(input);
            await sink.RecordAsync(p.PredictionId, p.Value.Score + 10.0);
        }

        await sink.RecordAsync(PredictionId.NewId(), 1.0);

        gauge.RecordObservableInstruments();
        var measurements = gauge.GetMeasurementSnapshot();
        Assert.Equal(
            new[] { "mae", "mape", "r2", "rmse" },
            measurements.Select(m => (string)m.Tags[QualityTelemetry.MetricNameTag]!).Order().ToArray());
        var mae = measurements.Single(m => (string)m.Tags[QualityTelemetry.MetricNameTag]! == "mae");
        Assert.Equal(10.0, mae.Value, 3);
        Assert.Equal("house", mae.Tags[MLOpsTelemetry.Tags.ModelName]);
        Assert.Equal("1", mae.Tags[MLOpsTelemetry.Tags.ModelVersion]);
        Assert.Equal("canary", mae.Tags[MLOpsTelemetry.Tags.Variant]);

        var counts = counter.GetMeasurementSnapshot();
        Assert.Equal(3, counts.Where(m => (string)m.Tags[MLOpsTelemetry.Tags.Outcome]! == "joined").Sum(m => m.Value));
        var unknown = Assert.Single(counts, m => (string)m.Tags[MLOpsTelemetry.Tags.Outcome]! == "unknown_prediction");
        Assert.False(unknown.Tags.ContainsKey(MLOpsTelemetry.Tags.ModelName));
    }

    [Fact]
    public async Task RecordAsync_UnknownAndEmptyIds_ReturnOutcomesWithoutThrowing()
    {
        await using var provider = QualityServices.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m
            .FromTransformer(QualityTestModels.House)
            .WithQualityMonitoring(q => q.Regression(o => o.Score))));
        var sink = provider.GetRequiredService<IFeedbackSink>();

        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(FeedbackOutcome.UnknownPrediction, (await sink.RecordAsync(PredictionId.NewId(), 1.0)).Outcome);
        }

        FeedbackResult empty = await sink.RecordAsync(default, 1.0);
        Assert.Equal(FeedbackOutcome.Invalid, empty.Outcome);
        Assert.NotNull(empty.Reason);
    }

    [Fact]
    public async Task RecordAsync_WrongKindOrNaN_IsInvalidAndTheSameIdCanStillJoin()
    {
        await using var provider = QualityServices.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m
            .FromTransformer(QualityTestModels.House)
            .WithQualityMonitoring(q => q.Regression(o => o.Score))));
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        var sink = provider.GetRequiredService<IFeedbackSink>();
        Prediction<HousePrediction> p = client.Predict(QualityTestModels.HouseInputs(1)[0]);

        FeedbackResult wrongKind = await sink.RecordAsync(p.PredictionId, true);
        FeedbackResult label = await sink.RecordAsync(p.PredictionId, "cheap");
        FeedbackResult nan = await sink.RecordAsync(p.PredictionId, double.NaN);
        FeedbackResult valid = await sink.RecordAsync(p.PredictionId, 1000.0);
        FeedbackResult again = await sink.RecordAsync(p.PredictionId, 1000.0);

        Assert.Equal(FeedbackOutcome.Invalid, wrongKind.Outcome);
        Assert.Contains("regression", wrongKind.Reason, StringComparison.Ordinal);
        Assert.Equal(FeedbackOutcome.Invalid, label.Outcome);
        Assert.Equal(FeedbackOutcome.Invalid, nan.Outcome);
        Assert.Equal(FeedbackOutcome.Joined, valid.Outcome);
        Assert.Equal(FeedbackOutcome.Duplicate, again.Outcome);
        ModelQualityReport report = provider.GetRequiredService<IModelQualityMonitor>().GetLatest(ModelName.Parse("house"))!;
        Assert.Equal((1, 3, 1), (report.JoinedFeedback, report.InvalidFeedback, report.DuplicateFeedback));
        Assert.Equal(1, Assert.Single(report.Current).Count);
    }

    [Fact]
    public async Task RecordAsync_AfterTimeToLive_IsLateCountedInSnapshotAndCounterButNotScored()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var provider = QualityServices.Build(
            b => b.AddModel<HouseInput, HousePrediction>("house", m => m
                .FromTransformer(QualityTestModels.House)
                .WithQualityMonitoring(q => q.Regression(o => o.Score).FeedbackTimeToLive(TimeSpan.FromHours(1)))),
            s => s.AddSingleton<TimeProvider>(time));
        using var counter = new MetricCollector<long>(provider.GetRequiredService<IMeterFactory>(), MLOpsTelemetry.Name, QualityTelemetry.FeedbackReceived);
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        var sink = provider.GetRequiredService<IFeedbackSink>();
        Prediction<HousePrediction>[] p = client.PredictBatch(QualityTestModels.HouseInputs(2));

        time.Advance(TimeSpan.FromMinutes(59));
        FeedbackResult onTime = await sink.RecordAsync(p[0].PredictionId, 100.0);
        time.Advance(TimeSpan.FromMinutes(2));
        FeedbackResult late = await sink.RecordAsync(p[1].PredictionId, 100.0);
        FeedbackResult lateAgain = await sink.RecordAsync(p[1].PredictionId, 100.0);

        Assert.Equal(FeedbackOutcome.Joined, onTime.Outcome);
        Assert.Equal(FeedbackOutcome.Late, late.Outcome);
        Assert.Equal(new ModelVersion(1), late.ModelVersion);
        Assert.Equal(FeedbackOutcome.Duplicate, lateAgain.Outcome);
        ModelQualityReport report = provider.GetRequiredService<IModelQualityMonitor>().GetLatest(ModelName.Parse("house"))!;
        Assert.Equal(1, report.LateFeedback);
        QualityWindow current = Assert.Single(report.Current);
        Assert.Equal((1L, 1L), (current.Count, current.LateFeedback));
        var lateCount = Assert.Single(counter.GetMeasurementSnapshot(), m => (string)m.Tags[MLOpsTelemetry.Tags.Outcome]! == "late");
        Assert.Equal("house", lateCount.Tags[MLOpsTelemetry.Tags.ModelName]);
    }

    [Fact]
    public async Task RecordAsync_PredictionEvictedFromFullStoreWithoutLog_IsUnknown()
    {
        await using var provider = QualityServices.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m
            .FromTransformer(QualityTestModels.House)
            .WithQualityMonitoring(q => q.Regression(o => o.Score).StoreCapacity(2))));
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        var sink = provider.GetRequiredService<IFeedbackSink>();
        Prediction<HousePrediction>[] p = client.PredictBatch(QualityTestModels.HouseInputs(3));

        Assert.Equal(FeedbackOutcome.UnknownPrediction, (await sink.RecordAsync(p[0].PredictionId, 1.0)).Outcome);
        Assert.Equal(FeedbackOutcome.Joined, (await sink.RecordAsync(p[1].PredictionId, 1.0)).Outcome);
        Assert.Equal(FeedbackOutcome.Joined, (await sink.RecordAsync(p[2].PredictionId, 1.0)).Outcome);
    }

    [Fact]
    public async Task RecordAsync_EvictedPredictionInJsonLinesLog_JoinsWithinTtlAndIsLateAfter()
    {
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var provider = QualityServices.Build(
            b => b
                .AddJsonLinesPredictionLog(o => o.Directory = dir.Path)
                .AddModel<HouseInput, HousePrediction>("house", m => m
                    .FromTransformer(QualityTestModels.House)
                    .WithQualityMonitoring(q => q.Regression(o => o.Score).StoreCapacity(1).FeedbackTimeToLive(TimeSpan.FromHours(1)))),
            s => s.AddSingleton<TimeProvider>(time));
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        var sink = provider.GetRequiredService<IFeedbackSink>();
        Prediction<HousePrediction>[] p = client.PredictBatch(QualityTestModels.HouseInputs(4));
        await provider.GetRequiredService<MLOps.Monitoring.Quality.Internal.PredictionLogWriter>().DrainAsync();

        FeedbackResult fromLog = await sink.RecordAsync(p[0].PredictionId, p[0].Value.Score + 5.0);
        FeedbackResult duplicate = await sink.RecordAsync(p[0].PredictionId, p[0].Value.Score + 5.0);
        time.Advance(TimeSpan.FromHours(2));
        FeedbackResult late = await sink.RecordAsync(p[1].PredictionId, 1.0);

        Assert.Equal(FeedbackOutcome.Joined, fromLog.Outcome);
        Assert.Equal(FeedbackOutcome.Duplicate, duplicate.Outcome);
        Assert.Equal(FeedbackOutcome.Late, late.Outcome);
        ModelQualityReport report = provider.GetRequiredService<IModelQualityMonitor>().GetLatest(ModelName.Parse("house"))!;
        QualityWindow current = Assert.Single(report.Current);
        Assert.Equal(5.0, current.Metrics[QualityMetricNames.Mae], 3);
        Assert.Equal(1, current.LateFeedback);
    }

    [Fact]
    public async Task RecordAsync_WithJsonLinesLog_StoresJoinedFeedbackOnceForTheLogReader()
    {
        using var dir = new TempDirectory();
        await using var provider = QualityServices.Build(b => b
            .AddJsonLinesPredictionLog(o => o.Directory = dir.Path)
            .AddModel<HouseInput, HousePrediction>("house", m => m
                .FromTransformer(QualityTestModels.House)
                .WithQualityMonitoring(q => q.Regression(o => o.Score))));
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        var sink = provider.GetRequiredService<IFeedbackSink>();
        DateTimeOffset from = DateTimeOffset.UtcNow.AddMinutes(-1);
        Prediction<HousePrediction>[] p = client.PredictBatch(QualityTestModels.HouseInputs(3));
        await provider.GetRequiredService<MLOps.Monitoring.Quality.Internal.PredictionLogWriter>().DrainAsync();

        Assert.Equal(FeedbackOutcome.Joined, (await sink.RecordAsync(p[0].PredictionId, 4.0)).Outcome);
        Assert.Equal(FeedbackOutcome.Duplicate, (await sink.RecordAsync(p[0].PredictionId, 9.0)).Outcome);   // not stored
        Assert.Equal(FeedbackOutcome.Invalid, (await sink.RecordAsync(p[1].PredictionId, double.NaN)).Outcome);   // not stored
        Assert.Equal(FeedbackOutcome.UnknownPrediction, (await sink.RecordAsync(PredictionId.NewId(), 1.0)).Outcome);

        var reader = provider.GetRequiredService<IPredictionLogReader>();
        var rows = new List<LoggedPrediction>();
        await foreach (LoggedPrediction row in reader.ReadAsync(ModelName.Parse("house"), from, DateTimeOffset.UtcNow.AddMinutes(1)))
        {
            rows.Add(row);
        }

        Assert.Equal(p.Select(x => x.PredictionId), rows.Select(r => r.Prediction.PredictionId));
        Assert.Equal(4.0, rows[0].Actual!.Value.Number);
        Assert.Null(rows[1].Actual);
        Assert.Null(rows[2].Actual);
    }

    [Fact]
    public async Task RecordAsync_AfterRestart_JoinsPredictionsFromTheJsonLinesLogWrittenAtShutdown()
    {
        using var dir = new TempDirectory();
        Prediction<HousePrediction>[] before;
        await using (var first = QualityServices.Build(b => b
            .AddJsonLinesPredictionLog(o => o.Directory = dir.Path)
            .AddModel<HouseInput, HousePrediction>("house", m => m
                .FromTransformer(QualityTestModels.House)
                .WithQualityMonitoring(q => q.Regression(o => o.Score)))))
        {
            await QualityServices.StartAsync(first);
            before = first.GetRequiredService<IModelClient<HouseInput, HousePrediction>>().PredictBatch(QualityTestModels.HouseInputs(3));
            await QualityServices.StopAsync(first);
        }

        await using var second = QualityServices.Build(b => b
            .AddJsonLinesPredictionLog(o => o.Directory = dir.Path)
            .AddModel<HouseInput, HousePrediction>("house", m => m
                .FromTransformer(QualityTestModels.House)
                .WithQualityMonitoring(q => q.Regression(o => o.Score))));
        var sink = second.GetRequiredService<IFeedbackSink>();

        foreach (Prediction<HousePrediction> p in before)
        {
            FeedbackResult result = await sink.RecordAsync(p.PredictionId, p.Value.Score - 2.0);
            Assert.Equal(FeedbackOutcome.Joined, result.Outcome);
        }

        QualityWindow current = Assert.Single(second.GetRequiredService<IModelQualityMonitor>().GetLatest(ModelName.Parse("house"))!.Current);
        Assert.Equal(3, current.Count);
        Assert.Equal(2.0, current.Metrics[QualityMetricNames.Mae], 3);
    }

    [Fact]
    public async Task TimeWindow_WithFakeTime_ClosesAtAlignedIntervalEnd()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 10, 0, 20, TimeSpan.Zero));
        await using var provider = QualityServices.Build(
            b => b.AddModel<HouseInput, HousePrediction>("house", m => m
                .FromTransformer(QualityTestModels.House)
                .WithQualityMonitoring(q => q.Regression(o => o.Score).Window(TimeSpan.FromMinutes(1)))),
            s => s.AddSingleton<TimeProvider>(time));
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        var sink = provider.GetRequiredService<IFeedbackSink>();
        var monitor = provider.GetRequiredService<IModelQualityMonitor>();
        var closed = new List<QualityWindow>();
        using IDisposable subscription = monitor.Subscribe(closed.Add);

        foreach (Prediction<HousePrediction> p in client.PredictBatch(QualityTestModels.HouseInputs(3)))
        {
            await sink.RecordAsync(p.PredictionId, p.Value.Score + 1.0);
        }

        time.Advance(TimeSpan.FromSeconds(39));
        Assert.Empty(monitor.GetLatest(ModelName.Parse("house"))!.Closed);
        time.Advance(TimeSpan.FromSeconds(1));
        ModelQualityReport report = monitor.GetLatest(ModelName.Parse("house"))!;

        QualityWindow window = Assert.Single(report.Closed);
        Assert.Same(window, Assert.Single(closed));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.Zero), window.Start);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 10, 1, 0, TimeSpan.Zero), window.End);
        Assert.Equal(3, window.Count);
        Assert.Empty(report.Current);
    }

    [Fact]
    public async Task TimeWindow_HostedSweep_ClosesTheWindowAndRaisesTheEventWithoutAnyRead()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.Zero));
        await using var provider = QualityServices.Build(
            b => b.AddModel<HouseInput, HousePrediction>("house", m => m
                .FromTransformer(QualityTestModels.House)
                .WithQualityMonitoring(q => q.Regression(o => o.Score).Window(TimeSpan.FromMinutes(5)))),
            s => s.AddSingleton<TimeProvider>(time));
        var closed = new TaskCompletionSource<QualityWindow>(TaskCreationOptions.RunContinuationsAsynchronously);
        using IDisposable subscription = provider.GetRequiredService<IModelQualityMonitor>().Subscribe(w => closed.TrySetResult(w));
        await QualityServices.StartAsync(provider);
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        Prediction<HousePrediction> p = client.Predict(QualityTestModels.HouseInputs(1)[0]);
        await provider.GetRequiredService<IFeedbackSink>().RecordAsync(p.PredictionId, p.Value.Score + 3.0);

        time.Advance(TimeSpan.FromMinutes(5));
        QualityWindow window = await closed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await QualityServices.StopAsync(provider);

        Assert.Equal(new DateTimeOffset(2026, 1, 1, 10, 5, 0, TimeSpan.Zero), window.End);
        Assert.Equal(3.0, window.Metrics[QualityMetricNames.Mae], 3);
    }

    [Fact]
    public async Task RecordAsync_BinaryClassifier_ComputesClassificationMetricsFromLabelsAndProbabilities()
    {
        await using var provider = QualityServices.Build(b => b.AddModel<ChurnInput, ChurnPrediction>("churn", m => m
            .FromTransformer(QualityTestModels.Churn)
            .WithQualityMonitoring(q => q.BinaryClassification(o => o.PredictedLabel, o => o.Probability).Window(40))));
        var client = provider.GetRequiredService<IModelClient<ChurnInput, ChurnPrediction>>();
        var sink = provider.GetRequiredService<IFeedbackSink>();
        ChurnInput[] inputs = QualityTestModels.ChurnInputs(40);
        Prediction<ChurnPrediction>[] predictions = client.PredictBatch(inputs);
        bool[] actual = inputs.Select((x, i) => x.Usage > 5 ^ (i % 7 == 0)).ToArray();

        for (int i = 0; i < inputs.Length; i++)
        {
            GroundTruth truth = i % 2 == 0 ? actual[i] : (actual[i] ? 1.0 : 0.0);   // booleans or 0/1 numbers
            Assert.Equal(FeedbackOutcome.Joined, (await sink.RecordAsync(predictions[i].PredictionId, truth)).Outcome);
        }

        QualityWindow window = Assert.Single(provider.GetRequiredService<IModelQualityMonitor>().GetLatest(ModelName.Parse("churn"))!.Closed);
        bool[] predicted = predictions.Select(p => p.Value.PredictedLabel).ToArray();
        double[] probabilities = predictions.Select(p => (double)p.Value.Probability).ToArray();
        Assert.Equal(QualityMetrics.Accuracy(actual, predicted), window.Metrics[QualityMetricNames.Accuracy], 12);
        Assert.Equal(QualityMetrics.Precision(actual, predicted), window.Metrics[QualityMetricNames.Precision], 12);
        Assert.Equal(QualityMetrics.Recall(actual, predicted), window.Metrics[QualityMetricNames.Recall], 12);
        Assert.Equal(QualityMetrics.F1Score(actual, predicted), window.Metrics[QualityMetricNames.F1], 12);
        Assert.Equal(QualityMetrics.RocAuc(actual, probabilities), window.Metrics[QualityMetricNames.RocAuc], 12);
        Assert.Equal(QualityMetrics.LogLoss(actual, probabilities), window.Metrics[QualityMetricNames.LogLoss], 12);
        Assert.True(window.Metrics[QualityMetricNames.RocAuc] > 0.7);
    }

    [Fact]
    public async Task SegmentBy_InputCategory_ReportsPerSegmentMetricsAndRatio()
    {
        await using var provider = QualityServices.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m
            .FromTransformer(QualityTestModels.House)
            .WithQualityMonitoring(q => q.Regression(o => o.Score).Window(6).SegmentBy(i => i.Region, minimumSegmentSize: 3))));
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        var sink = provider.GetRequiredService<IFeedbackSink>();
        HouseInput[] inputs = QualityTestModels.HouseInputs(6);   // alternating north / south

        Prediction<HousePrediction>[] predictions = client.PredictBatch(inputs);
        for (int i = 0; i < inputs.Length; i++)
        {
            double error = inputs[i].Region == "north" ? 10 : 40;
            await sink.RecordAsync(predictions[i].PredictionId, predictions[i].Value.Score + error);
        }

        QualityWindow window = Assert.Single(provider.GetRequiredService<IModelQualityMonitor>().GetLatest(ModelName.Parse("house"))!.Closed);
        Assert.Equal(["north", "south"], window.Segments.Select(s => s.Segment).ToArray());
        Assert.Equal(10.0, window.Segments[0].Metrics[QualityMetricNames.Mae], 3);
        Assert.Equal(40.0, window.Segments[1].Metrics[QualityMetricNames.Mae], 3);
        Assert.Equal(0.25, window.SegmentRatios[QualityMetricNames.Mae], 3);   // best/worst for an error metric
    }
}
