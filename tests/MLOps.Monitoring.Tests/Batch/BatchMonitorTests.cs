using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MLOps.Monitoring.Batch;
using MLOps.Monitoring.Batch.Internal;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Quality.Feedback;

namespace MLOps.Monitoring.Tests.Batch;

public class BatchMonitorTests
{
    private static readonly BatchMonitoringRequest Day = new(BatchRows.Model, BatchRows.T0, BatchRows.T0.AddDays(1));

    private static BatchMonitor Monitor(IPredictionLogReader? reader, IReferenceProfileProvider? provider = null) =>
        new(reader, provider, null, TimeProvider.System, NullLogger.Instance);

    private static LoggedPrediction[] Rows(params (int Version, LoanInput[] Inputs)[] parts)
    {
        var rows = new List<LoggedPrediction>();
        foreach ((int version, LoanInput[] inputs) in parts)
        {
            foreach (LoanInput input in inputs)
            {
                rows.Add(new LoggedPrediction(BatchRows.Record(rows.Count, version, input), null));
            }
        }

        return [.. rows];
    }

    [Fact]
    public async Task RunAsync_RowsOfTwoVersions_ComparesEachWithItsOwnReferenceLikeDriftDetectorDoes()
    {
        ReferenceProfile v1 = ReferenceProfile.Create(BatchRows.Inputs(2000, seed: 1));
        ReferenceProfile v2 = ReferenceProfile.Create(BatchRows.Inputs(2000, seed: 2, shift: 30));
        LoanInput[] served1 = BatchRows.Inputs(800, seed: 3);
        LoanInput[] served2 = BatchRows.Inputs(600, seed: 4);   // v2's reference is shifted: these rows drifted from it
        LoggedPrediction[] rows = Rows((1, served1[..400]), (2, served2), (1, served1[400..]));
        var monitor = Monitor(new BatchRows.GeneratedReader(rows.Length, i => rows[i]), new BatchRows.Profiles(new() { [1] = v1, [2] = v2 }));

        var options = new DriftOptions { DriftShareThreshold = 0.3 };   // one drifted feature of three is dataset drift

        BatchMonitoringReport report = await monitor.RunAsync(Day with { DriftOptions = options });

        Assert.Equal([2, 1], report.Drift.Select(d => d.ModelVersion!.Value));
        DriftReport drift1 = report.Drift[1], drift2 = report.Drift[0];
        Assert.False(drift1.DatasetDrift);
        Assert.True(drift2.DatasetDrift);
        Assert.True(report.DatasetDrift);
        Assert.Equal((800L, 600L), (drift1.CurrentRows, drift2.CurrentRows));
        Assert.Equal(BatchRows.T0, drift1.WindowStart);
        Assert.Equal(BatchRows.Model, drift1.ModelName);
        // The same rows given to the batch detector give the same numbers.
        DriftReport expected1 = DriftDetector.Compare(v1, served1, options), expected2 = DriftDetector.Compare(v2, served2, options);
        Assert.True(drift2.Find("Income")!.Drifted);
        Assert.Equal(expected1.Features.Select(f => (f.Feature, f.Score, f.Drifted)), drift1.Features.Select(f => (f.Feature, f.Score, f.Drifted)));
        Assert.Equal(expected2.Features.Select(f => (f.Feature, f.Score, f.Drifted)), drift2.Features.Select(f => (f.Feature, f.Score, f.Drifted)));
        Assert.Empty(drift1.DataQuality.MissingFeatures);
        Assert.Equal((1400L, 1400L, 0L), (report.Rows, report.RowsWithInputs, report.LabelledRows));
        Assert.Null(report.Quality);
        Assert.Contains(report.Notes, n => n.Contains("ground truth", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_RowsWithoutInputs_ReportsANoteInsteadOfFailing()
    {
        ReferenceProfile profile = ReferenceProfile.Create(BatchRows.Inputs(500, seed: 1));
        LoggedPrediction[] rows = [.. Enumerable.Range(0, 50).Select(i => new LoggedPrediction(BatchRows.Record(i, 1, null), null))];
        var monitor = Monitor(new BatchRows.GeneratedReader(rows.Length, i => rows[i]));

        BatchMonitoringReport report = await monitor.RunAsync(Day with { Reference = profile });

        Assert.Empty(report.Drift);
        Assert.Equal((50L, 0L), (report.Rows, report.RowsWithInputs));
        Assert.Contains(report.Notes, n => n.Contains("LogInputs()", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_SomeRowsWithoutInputsAndAVersionWithoutReference_SaysSoAndComparesTheRest()
    {
        ReferenceProfile v1 = ReferenceProfile.Create(BatchRows.Inputs(500, seed: 1));
        LoggedPrediction[] rows = [.. Rows((1, BatchRows.Inputs(100, seed: 5)), (3, BatchRows.Inputs(10, seed: 6))),
            .. Enumerable.Range(0, 20).Select(i => new LoggedPrediction(BatchRows.Record(i, 1, null), null))];
        var monitor = Monitor(new BatchRows.GeneratedReader(rows.Length, i => rows[i]), new BatchRows.Profiles(new() { [1] = v1 }));

        BatchMonitoringReport report = await monitor.RunAsync(Day);

        DriftReport drift = Assert.Single(report.Drift);
        Assert.Equal(100, drift.CurrentRows);
        Assert.Contains(report.Notes, n => n.StartsWith("Version 3 has no reference profile", StringComparison.Ordinal));
        Assert.Contains(report.Notes, n => n.StartsWith("20 of the 130 rows have no inputs", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_LoggedFeaturesDifferFromTheReference_ReportsMissingUnexpectedAndMismatchedFeatures()
    {
        ReferenceProfile profile = ReferenceProfile.Create(BatchRows.Inputs(500, seed: 1));
        LoggedPrediction[] rows = [.. Enumerable.Range(0, 40).Select(i => new LoggedPrediction(BatchRows.Record(i, 1, null) with
        {
            Inputs = [new("Income", FeatureKind.Categorical, double.NaN, "high"), new("Owner", FeatureKind.Boolean, i % 2, null), new("Extra", FeatureKind.Numeric, i, null)],
        }, null))];
        var monitor = Monitor(new BatchRows.GeneratedReader(rows.Length, i => rows[i]));

        DriftReport drift = Assert.Single((await monitor.RunAsync(Day with { Reference = profile })).Drift);

        Assert.Equal(["City"], drift.DataQuality.MissingFeatures);
        Assert.Equal(["Extra"], drift.DataQuality.UnexpectedFeatures);
        Assert.Equal(["Income: Numeric → Categorical"], drift.DataQuality.KindMismatches);
        Assert.True(drift.Find("Owner")!.Evaluated);
        Assert.False(drift.Find("Income")!.Evaluated);
    }

    [Fact]
    public async Task RunAsync_ManyRows_KeepsFixedStateAndMemoryDoesNotGrowWithRows()
    {
        ReferenceProfile profile = ReferenceProfile.Create(BatchRows.Inputs(5000, seed: 1));
        LoanInput[] pool = BatchRows.Inputs(1000, seed: 9);
        long retainedSmall = await RetainedAfter(20_000, null);
        long memoryAt50k = 0, memoryAtEnd = 0;
        long retainedLarge = await RetainedAfter(400_000, i =>
        {
            if (i == 50_000)
            {
                memoryAt50k = GC.GetTotalMemory(forceFullCollection: true);
            }
            else if (i == 399_999)
            {
                memoryAtEnd = GC.GetTotalMemory(forceFullCollection: true);
            }
        });

        Assert.Equal(retainedSmall, retainedLarge);
        // 350,000 more rows with inputs and labels, each over 300 bytes as objects: kept, they would add > 100 MB.
        Assert.True(memoryAtEnd - memoryAt50k < 16 * 1024 * 1024, $"memory grew by {(memoryAtEnd - memoryAt50k) / 1024} KB");

        async Task<long> RetainedAfter(int count, Action<int>? onRow)
        {
            var monitor = Monitor(new BatchRows.GeneratedReader(count, i => new LoggedPrediction(
                BatchRows.Record(i, 1 + (i % 2), pool[i % pool.Length], value: i % 7), GroundTruth.FromNumber(i % 5)), onRow));
            BatchMonitoringReport report = await monitor.RunAsync(Day with { Reference = profile, Task = QualityTask.Regression, QualityWindowSize = 1000 });
            Assert.Equal(count, report.Rows);
            Assert.Equal(2, report.Drift.Count);
            Assert.All(report.Quality!.Current, w => Assert.True(w.Count < 1000));
            Assert.True(report.Quality.History.Count <= 50);
            return monitor.LastRetainedDriftValues;
        }
    }

    [Fact]
    public async Task RunAsync_NoReaderRegistered_ThrowsAClearError()
    {
        using ServiceProvider services = Support.Services.Build(b => b.AddBatchMonitoring());
        IBatchMonitor monitor = services.GetRequiredService<IBatchMonitor>();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => monitor.RunAsync(Day));

        Assert.Contains("AddJsonLinesPredictionLog", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Request_BadRangeOrWindow_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => new BatchMonitoringRequest(BatchRows.Model, BatchRows.T0, BatchRows.T0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Day with { QualityWindowSize = 0 });
    }

    [Fact]
    public async Task RunAsync_Completed_IsTheLatestAndReachesSubscribersAndRendersOnePage()
    {
        ReferenceProfile profile = ReferenceProfile.Create(BatchRows.Inputs(500, seed: 1));
        LoggedPrediction[] rows = [.. Rows((1, BatchRows.Inputs(100, seed: 5))).Select((r, i) => r with { Actual = GroundTruth.FromNumber(i % 3) })];
        var monitor = Monitor(new BatchRows.GeneratedReader(rows.Length, i => rows[i]));
        var received = new List<BatchMonitoringReport>();
        using IDisposable subscription = monitor.Subscribe(received.Add);

        BatchMonitoringReport report = await monitor.RunAsync(Day with { Reference = profile, Task = QualityTask.Regression, QualityWindowSize = 30 });

        Assert.Same(report, monitor.GetLatest(BatchRows.Model));
        Assert.Same(report, Assert.Single(received));
        Assert.Null(monitor.GetLatest(ModelName.Parse("other")));
        Assert.Equal(3, report.Quality!.History.Count);
        Assert.Equal(10, Assert.Single(report.Quality.Current).Count);
        string html = report.ToHtml();
        Assert.Contains("<h1>Batch monitoring report: loan</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<h1>Drift report: loan</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<h1>Model quality report: loan</h1>", html, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "<body>"));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "<footer>"));
    }
}
