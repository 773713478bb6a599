using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Drift.Internal;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Tests.Support;

namespace MLOps.Monitoring.Tests.Drift;

public class DriftMonitoringTests
{
    private static readonly ReferenceProfile Reference = ReferenceProfile.Create(TestModels.Houses(2000, seed: 1));

    private static ServiceProvider Build(Action<DriftMonitoringBuilder> drift, Action<IServiceCollection>? more = null) =>
        Services.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromTransformer(TestModels.House).WithDriftMonitoring(drift)), more);

    /// <summary>1,000 rows: Auto picks the tests (KS, chi-square), whose false-positive rate holds for windows of any size.</summary>
    private static readonly ReferenceProfile SmallReference = ReferenceProfile.Create(TestModels.Houses(1000, seed: 1));

    [ThreadStatic]
    private static bool t_predicting;

    private static ReportLog Subscribe(IServiceProvider provider) => new(provider.GetRequiredService<IDriftMonitor>());

    [Fact]
    public async Task WithDriftMonitoring_InDistributionThenShifted_PublishesReportsGaugesAndTheDriftEvent()
    {
        await using ServiceProvider provider = Build(d => d.WindowSize(200).UseReference(SmallReference));
        var meters = provider.GetRequiredService<IMeterFactory>();
        using var scores = new MetricCollector<double>(meters, MLOpsTelemetry.Name, DriftTelemetry.Instruments.DriftScore);
        using var detected = new MetricCollector<int>(meters, MLOpsTelemetry.Name, DriftTelemetry.Instruments.DriftDetected);
        using var windows = new MetricCollector<long>(meters, MLOpsTelemetry.Name, DriftTelemetry.Instruments.Windows);
        ReportLog log = Subscribe(provider);
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        IDriftMonitor monitor = provider.GetRequiredService<IDriftMonitor>();
        Assert.Null(monitor.GetLatestReport(ModelName.Parse("house")));
        Assert.Equal([ModelName.Parse("house")], monitor.Models);

        t_predicting = true;
        foreach (HouseInput house in TestModels.Houses(200, seed: 2))
        {
            client.Predict(house);
        }

        t_predicting = false;

        await Eventually.HoldsAsync(() => log.Reports.Count == 1, "the first window's report");
        DriftReport calm = log.Reports.Single().Report;
        Assert.Equal(ModelName.Parse("house"), calm.ModelName);
        Assert.Equal(1, calm.ModelVersion);
        Assert.Equal(200, calm.CurrentRows);
        Assert.Equal(0, calm.DriftedFeatures);
        Assert.Empty(log.Drifts);

        client.PredictBatch(TestModels.Houses(200, seed: 3, sizeShift: 40, newDistrict: "harbour"));

        await Eventually.HoldsAsync(() => log.Reports.Count == 2 && log.Drifts.Count == 1, "the shifted window's report and drift event");
        DriftReport shifted = monitor.GetLatestReport(ModelName.Parse("house"))!;
        Assert.Same(log.Drifts.Single(), shifted);
        Assert.True(shifted.Find("Size")!.Drifted);
        Assert.Equal(DriftMethod.KolmogorovSmirnov, shifted.Find("Size")!.Method);
        Assert.Equal(DriftMethod.ChiSquare, shifted.Find("District")!.Method);
        Assert.True(shifted.Find("District")!.Drifted);
        Assert.False(shifted.Find("Rooms")!.Drifted);
        Assert.True(shifted.DatasetDrift);   // 2 of 3 features
        Assert.All(log.Reports, r => Assert.False(r.OnPredictingThread, "evaluated inside Predict on the caller's thread"));

        CollectedMeasurement<double> sizeScore = scores.GetMeasurementSnapshot().Last(m => (string?)m.Tags[DriftTelemetry.Tags.Feature] == "Size");
        Assert.Equal(shifted.Find("Size")!.Score, sizeScore.Value);
        Assert.Equal("house", sizeScore.Tags[MLOpsTelemetry.Tags.ModelName]);
        Assert.Equal("kolmogorov_smirnov", sizeScore.Tags[DriftTelemetry.Tags.Method]);
        Assert.Equal(1, detected.GetMeasurementSnapshot().Last(m => (string?)m.Tags[DriftTelemetry.Tags.Feature] == "Size").Value);
        Assert.Equal(0, detected.GetMeasurementSnapshot().Last(m => (string?)m.Tags[DriftTelemetry.Tags.Feature] == "Rooms").Value);
        CollectedMeasurement<int> dataset = detected.GetMeasurementSnapshot().Last(m => (string?)m.Tags[DriftTelemetry.Tags.Feature] == DriftTelemetry.DatasetFeature);
        Assert.Equal(1, dataset.Value);
        Assert.Equal(DriftTelemetry.DatasetMethod, dataset.Tags[DriftTelemetry.Tags.Method]);
        Assert.Equal(2.0 / 3, scores.GetMeasurementSnapshot().Last(m => (string?)m.Tags[DriftTelemetry.Tags.Feature] == DriftTelemetry.DatasetFeature).Value, 12);
        Assert.Equal(2, windows.GetMeasurementSnapshot().Count(m => (string?)m.Tags[MLOpsTelemetry.Tags.Outcome] == "evaluated"));
    }

    [Fact]
    public async Task WithDriftMonitoring_DataQuality_PublishesMissingOutOfRangeAndUnseenGauges()
    {
        await using ServiceProvider provider = Build(d => d.WindowSize(100).UseReference(Reference));
        var meters = provider.GetRequiredService<IMeterFactory>();
        using var missing = new MetricCollector<double>(meters, MLOpsTelemetry.Name, DriftTelemetry.Instruments.MissingRatio);
        using var outOfRange = new MetricCollector<double>(meters, MLOpsTelemetry.Name, DriftTelemetry.Instruments.OutOfRangeRatio);
        using var unseen = new MetricCollector<double>(meters, MLOpsTelemetry.Name, DriftTelemetry.Instruments.UnseenCategoryRatio);
        using var schema = new MetricCollector<long>(meters, MLOpsTelemetry.Name, DriftTelemetry.Instruments.SchemaMismatches);
        ReportLog log = Subscribe(provider);
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        HouseInput[] houses = TestModels.Houses(100, seed: 4);
        for (int i = 0; i < houses.Length; i++)
        {
            if (i < 10)
            {
                houses[i].District = null;
            }
            else if (i < 30)
            {
                houses[i].District = "harbour";
            }

            if (i % 25 == 0)
            {
                houses[i].Size = 10_000;
            }
        }

        client.PredictBatch(houses);

        await Eventually.HoldsAsync(() => log.Reports.Count == 1, "the window's report");
        Assert.Equal(0.1, missing.GetMeasurementSnapshot().Single(m => (string?)m.Tags[DriftTelemetry.Tags.Feature] == "District").Value, 12);
        Assert.Equal(0.0, missing.GetMeasurementSnapshot().Single(m => (string?)m.Tags[DriftTelemetry.Tags.Feature] == "Size").Value);
        Assert.Equal(0.04, outOfRange.GetMeasurementSnapshot().Single(m => (string?)m.Tags[DriftTelemetry.Tags.Feature] == "Size").Value, 12);
        Assert.Equal(20.0 / 90, unseen.GetMeasurementSnapshot().Single(m => (string?)m.Tags[DriftTelemetry.Tags.Feature] == "District").Value, 12);
        Assert.Equal(0, schema.LastMeasurement!.Value);
    }

    [Fact]
    public async Task SlidingWindow_EvaluatesTheLastSizePredictionsEveryStep()
    {
        await using ServiceProvider provider = Build(d => d.SlidingWindow(300, 100).UseReference(Reference));
        ReportLog log = Subscribe(provider);
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        HouseInput[] houses = TestModels.Houses(500, seed: 5);

        client.PredictBatch(houses[..299]);
        client.PredictBatch(houses[299..]);

        await Eventually.HoldsAsync(() => log.Reports.Count == 3, "three sliding evaluations (after 300, 400 and 500 predictions)");
        Assert.All(log.Reports, r => Assert.Equal(300, r.Report.CurrentRows));
        Assert.All(log.Reports, r => Assert.Equal(300, r.Report.DataQuality.Features[0].RowCount));
    }

    [Fact]
    public async Task TimeWindow_ClosesAtTheFirstPredictionAfterItsDuration()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        await using ServiceProvider provider = Build(d => d.TimeWindow(TimeSpan.FromMinutes(5)).UseReference(Reference), s => s.AddSingleton<TimeProvider>(time));
        ReportLog log = Subscribe(provider);
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        HouseInput[] houses = TestModels.Houses(80, seed: 6);

        client.PredictBatch(houses[..50]);
        time.Advance(TimeSpan.FromMinutes(4));
        client.PredictBatch(houses[50..60]);
        Assert.Empty(log.Reports);
        time.Advance(TimeSpan.FromMinutes(1));
        client.PredictBatch(houses[60..]);

        await Eventually.HoldsAsync(() => log.Reports.Count == 1, "the first time window's report");
        DriftReport report = log.Reports.Single().Report;
        Assert.Equal(60, report.CurrentRows);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero), report.WindowStart);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 12, 5, 0, TimeSpan.Zero), report.CreatedAt);
    }

    [Fact]
    public async Task SlidingTimeWindow_EvaluatesTheLastDurationEveryStep()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
        await using ServiceProvider provider = Build(
            d => d.SlidingTimeWindow(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(5)).UseReference(Reference),
            s => s.AddSingleton<TimeProvider>(time));
        ReportLog log = Subscribe(provider);
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        HouseInput[] houses = TestModels.Houses(100, seed: 16);

        client.PredictBatch(houses[..10]);      // step 1: 12:00–12:05
        time.Advance(TimeSpan.FromMinutes(5));
        client.PredictBatch(houses[10..30]);    // step 2: 12:05–12:10 (step 1 closed, window not full yet)
        time.Advance(TimeSpan.FromMinutes(5));
        client.PredictBatch(houses[30..70]);    // step 3 (steps 1+2 evaluated)
        time.Advance(TimeSpan.FromMinutes(5));
        client.Predict(houses[70]);             // step 4 (steps 2+3 evaluated)

        await Eventually.HoldsAsync(() => log.Reports.Count == 2, "two sliding evaluations");
        DriftReport[] reports = [.. log.Reports.Select(r => r.Report)];
        Assert.Equal([30L, 60L], reports.Select(r => r.CurrentRows));
        Assert.Equal(
            [new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 1, 1, 12, 5, 0, TimeSpan.Zero)],
            reports.Select(r => r.WindowStart!.Value));
    }

    [Fact]
    public async Task ReferenceProvider_IsAskedForTheServedVersionOffThePredictionPath()
    {
        var referenceProvider = new RecordingProvider(Reference);
        await using ServiceProvider provider = Build(d => d.WindowSize(50), s => s.AddSingleton<IReferenceProfileProvider>(referenceProvider));
        ReportLog log = Subscribe(provider);
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();

        client.Predict(TestModels.Houses(1, seed: 7)[0]);
        await Eventually.HoldsAsync(() => Window(provider) is not null, "the reference to be resolved");
        client.PredictBatch(TestModels.Houses(50, seed: 8));

        await Eventually.HoldsAsync(() => log.Reports.Count == 1, "the first window's report");
        Assert.Equal([("house", 1)], referenceProvider.Calls);
        Assert.Equal(1, log.Reports.Single().Report.ModelVersion);
        Assert.Equal(50, log.Reports.Single().Report.CurrentRows);
    }

    [Fact]
    public async Task ReferenceProvider_HotSwapToAnotherVersion_RestartsTheWindowWithThatVersionsProfile()
    {
        var referenceProvider = new RecordingProvider(Reference);
        var source = new SwitchableModelSource(TestModels.House);
        await using ServiceProvider provider = Services.Build(
            b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromSource(_ => source).WithDriftMonitoring(d => d.WindowSize(30))),
            s => s.AddSingleton<IReferenceProfileProvider>(referenceProvider));
        ReportLog log = Subscribe(provider);
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        var catalog = provider.GetRequiredService<IModelCatalog>();
        HouseInput house = TestModels.Houses(1, seed: 12)[0];

        client.Predict(house);
        await Eventually.HoldsAsync(() => Window(provider)?.Version == 1, "the version 1 reference");
        client.PredictBatch(TestModels.Houses(20, seed: 13));   // an unfinished window of version 1
        source.Publish(2);
        Assert.True(await catalog.ReloadAsync(ModelName.Parse("house")));
        client.Predict(house);
        await Eventually.HoldsAsync(() => Window(provider)?.Version == 2, "the version 2 reference");
        client.PredictBatch(TestModels.Houses(30, seed: 14));

        await Eventually.HoldsAsync(() => log.Reports.Count == 1, "the first window of version 2");
        Assert.Equal([("house", 1), ("house", 2)], referenceProvider.Calls);
        Assert.Equal(2, log.Reports.Single().Report.ModelVersion);
        Assert.Equal(30, log.Reports.Single().Report.CurrentRows);
    }

    [Fact]
    public async Task OnPrediction_ManyThreads_CountsEveryPredictionInExactlyOneWindow()
    {
        await using ServiceProvider provider = Build(d => d.WindowSize(500).UseReference(Reference));
        ReportLog log = Subscribe(provider);
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        HouseInput[] houses = TestModels.Houses(1000, seed: 15);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                client.Predict(houses[(i + (t * 250)) % houses.Length]);
            }
        })));

        await Eventually.HoldsAsync(() => log.Reports.Count == 8, "8 windows of 500 from 4,000 predictions");
        Assert.All(log.Reports, r => Assert.Equal(500, r.Report.CurrentRows));
        Assert.All(log.Reports, r => Assert.All(r.Report.Features, f => Assert.Equal(500, f.CurrentCount)));
    }

    [Fact]
    public async Task UseReferenceFile_LoadsTheProfileInTheBackground()
    {
        string path = Path.Combine(Path.GetTempPath(), "mlops-ref-" + Guid.NewGuid().ToString("N") + ".json");
        await Reference.SaveAsync(path);
        try
        {
            await using ServiceProvider provider = Build(d => d.WindowSize(40).UseReferenceFile(path));
            ReportLog log = Subscribe(provider);
            var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();

            await Eventually.HoldsAsync(() => Window(provider) is not null, "the reference file to be loaded");
            client.PredictBatch(TestModels.Houses(40, seed: 9));

            await Eventually.HoldsAsync(() => log.Reports.Count == 1, "the first window's report");
            Assert.Equal(Reference.RowCount, log.Reports.Single().Report.ReferenceRows);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task WithDriftMonitoring_WithoutReferenceOrProvider_FailsWhenTheClientIsResolved()
    {
        await using ServiceProvider provider = Build(d => d.WindowSize(10));

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>());
        Assert.Contains("IReferenceProfileProvider", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithDriftMonitoring_HistorySize_KeepsTheNewestWindowsOldestFirst()
    {
        await using ServiceProvider provider = Build(d => d.WindowSize(50).UseReference(SmallReference).Configure(o => o.HistorySize = 2));
        ReportLog log = Subscribe(provider);
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        IDriftMonitor monitor = provider.GetRequiredService<IDriftMonitor>();

        for (int window = 0; window < 3; window++)
        {
            client.PredictBatch(TestModels.Houses(50, seed: 10 + window));
            await Eventually.HoldsAsync(() => log.Reports.Count == window + 1, $"report {window + 1}");
        }

        DriftReport[] published = [.. log.Reports.Select(r => r.Report)];
        Assert.Equal(published[1..], monitor.GetReports(ModelName.Parse("house")));
        Assert.Same(published[^1], monitor.GetLatestReport(ModelName.Parse("house")));
    }

    [Fact]
    public async Task WithDriftMonitoring_BeforeAnyPrediction_TheModelIsListedWithAnEmptyHistory()
    {
        await using ServiceProvider provider = Build(d => d.WindowSize(50).UseReference(SmallReference));

        IDriftMonitor monitor = provider.GetRequiredService<IDriftMonitor>();

        Assert.Equal([ModelName.Parse("house")], monitor.Models);
        Assert.Empty(monitor.GetReports(ModelName.Parse("house")));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(DriftOptions.MaxHistorySize + 1)]
    public void WithDriftMonitoring_HistorySizeOutOfRange_Throws(int size)
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => services.AddMLOps()
            .AddModel<HouseInput, HousePrediction>("house", m => m.FromTransformer(TestModels.House).WithDriftMonitoring(d => d.Configure(o => o.HistorySize = size))));

        Assert.Equal(nameof(DriftOptions.HistorySize), error.ParamName);
    }

    [Fact]
    public void WithDriftMonitoring_WithoutRegistry_RegistersNoReferenceProvider()
    {
        var services = new ServiceCollection();
        services.AddMLOps().AddModel<HouseInput, HousePrediction>("house", m => m.FromTransformer(TestModels.House).WithDriftMonitoring());

        // Regression: the registration used to add an IReferenceProfileProvider factory that returned null!.
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IReferenceProfileProvider));
    }

    [Fact]
    public async Task WithDriftMonitoring_MethodThatDoesNotFit_FailsWhenTheClientIsResolved()
    {
        await using ServiceProvider provider = Build(d => d.UseReference(Reference).Method("District", DriftMethod.KolmogorovSmirnov));

        Assert.Throws<ArgumentException>(() => provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>());
    }

    [Fact]
    public async Task WithDriftMonitoring_ReferenceOfAnotherSchema_PublishesTheSchemaMismatchCount()
    {
        ReferenceProfile other = ReferenceProfile.FromColumns([new("Size", Synthetic.Normal(500, 1, 100, 20)), new("Bedrooms", Synthetic.Normal(500, 2))]);
        await using ServiceProvider provider = Build(d => d.WindowSize(20).UseReference(other));
        using var schema = new MetricCollector<long>(provider.GetRequiredService<IMeterFactory>(), MLOpsTelemetry.Name, DriftTelemetry.Instruments.SchemaMismatches);
        ReportLog log = Subscribe(provider);

        provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>().PredictBatch(TestModels.Houses(20, seed: 10));

        await Eventually.HoldsAsync(() => log.Reports.Count == 1, "the window's report");
        DriftReport report = log.Reports.Single().Report;
        Assert.Equal(["Bedrooms"], report.DataQuality.MissingFeatures);
        Assert.Equal(["Rooms", "District"], report.DataQuality.UnexpectedFeatures);
        Assert.True(report.Find("Size")!.Evaluated);
        Assert.Equal(3, schema.LastMeasurement!.Value);
    }

    [Fact]
    public async Task OnPrediction_WithinAWindow_AllocatesNothing()
    {
        await using ServiceProvider provider = Build(d => d.WindowSize(1_000_000).UseReference(Reference));
        var observer = (DriftObserver<HouseInput, HousePrediction>)provider.GetRequiredKeyedService<IEnumerable<IPredictionObserver<HouseInput, HousePrediction>>>("house").Single();
        HouseInput[] houses = TestModels.Houses(1000, seed: 11);
        var contexts = houses.Select(h => new PredictionContext<HouseInput, HousePrediction>(ModelName.Parse("house"), h, new Prediction<HousePrediction>(new HousePrediction(), default, new ModelVersion(1), "primary"))).ToArray();
        for (int i = 0; i < 2000; i++)
        {
            observer.OnPrediction(in contexts[i % contexts.Length]);   // warm-up (JIT, tiered compilation)
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++)
        {
            observer.OnPrediction(in contexts[i % contexts.Length]);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static DriftWindow<HouseInput>? Window(IServiceProvider provider) =>
        ((DriftObserver<HouseInput, HousePrediction>)provider.GetRequiredKeyedService<IEnumerable<IPredictionObserver<HouseInput, HousePrediction>>>("house").Single()).Window;

    private sealed class ReportLog
    {
        public ReportLog(IDriftMonitor monitor)
        {
            monitor.Subscribe(report =>
            {
                Reports.Enqueue((report, t_predicting));
                if (report.DriftedFeatures > 0)
                {
                    Drifts.Enqueue(report);
                }
            });
        }

        public ConcurrentQueue<(DriftReport Report, bool OnPredictingThread)> Reports { get; } = new();

        public ConcurrentQueue<DriftReport> Drifts { get; } = new();
    }

    private sealed class RecordingProvider(ReferenceProfile profile) : IReferenceProfileProvider
    {
        public ConcurrentQueue<(string, int)> CallQueue { get; } = new();

        public List<(string, int)> Calls => [.. CallQueue];

        public ValueTask<ReferenceProfile?> GetReferenceProfileAsync(ModelName modelName, ModelVersion version, CancellationToken cancellationToken = default)
        {
            CallQueue.Enqueue((modelName.Value, version.Number));
            return ValueTask.FromResult<ReferenceProfile?>(profile);
        }
    }
}
