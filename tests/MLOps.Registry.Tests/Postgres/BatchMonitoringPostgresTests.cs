using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MLOps.Monitoring.Batch;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Registry.Postgres.Internal;

namespace MLOps.Registry.Tests.Postgres;

/// <summary>The batch monitoring job over the PostgreSQL prediction log: the same report as over a JSON-lines log of the same rows.</summary>
public sealed class BatchMonitoringPostgresTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    public sealed class House
    {
        public double Size { get; set; }

        public string? City { get; set; }
    }

    private static House[] Houses(int count, int seed, double shift)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => new House { Size = shift + (random.NextDouble() * 100), City = random.NextDouble() < 0.3 ? "lyon" : "paris" })];
    }

    private static async Task<BatchMonitoringReport> RunAsync(IPredictionLogReader reader, BatchMonitoringRequest request)
    {
        var services = new ServiceCollection();
        services.AddMLOps().AddBatchMonitoring();
        services.AddSingleton(reader);
        await using ServiceProvider provider = services.BuildServiceProvider();
        return await provider.GetRequiredService<IBatchMonitor>().RunAsync(request);
    }

    [Fact]
    public async Task RunAsync_OverPostgresLog_EqualsTheReportOverAJsonLinesLogOfTheSameRows()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        using PostgresPredictionLog postgres = PredictionLogFixture.Create(schema);
        using var directory = new TempDirectory();
        using var jsonLines = new JsonLinesPredictionLog(Options.Create(new JsonLinesPredictionLogOptions { Directory = directory.Path, FlushToDisk = false }));
        House[] served = [.. Houses(700, seed: 2, shift: 0), .. Houses(500, seed: 3, shift: 40)];
        var records = new PredictionRecord[served.Length];
        for (int i = 0; i < served.Length; i++)
        {
            records[i] = new PredictionRecord(PredictionId.NewId(), PredictionLogFixture.House, new ModelVersion(i < 700 ? 1 : 2), i % 4 == 0 ? "canary" : "primary",
                Start.AddSeconds(i), served[i].Size * 1000, double.NaN, null, served[i].City,
                [new LoggedFeature("Size", FeatureKind.Numeric, served[i].Size, null), new LoggedFeature("City", FeatureKind.Categorical, double.NaN, served[i].City)]);
        }

        foreach (IPredictionLog log in new IPredictionLog[] { postgres, jsonLines })
        {
            await log.AppendAsync(records);
            for (int i = 0; i < records.Length; i += 2)
            {
                Assert.True(await ((IFeedbackLog)log).TryAppendAsync(new FeedbackRecord(records[i].PredictionId, (served[i].Size * 1000) + (i % 7), Start.AddHours(1))));
            }
        }

        var request = new BatchMonitoringRequest(PredictionLogFixture.House, Start, Start.AddHours(1))
        {
            Reference = ReferenceProfile.Create(Houses(3000, seed: 1, shift: 0)),
            Task = QualityTask.Regression,
            QualityWindowSize = 40,
        };

        BatchMonitoringReport fromPostgres = await RunAsync(postgres, request);
        BatchMonitoringReport fromFiles = await RunAsync(jsonLines, request);

        Assert.Equal((1200L, 1200L, 600L), (fromPostgres.Rows, fromPostgres.RowsWithInputs, fromPostgres.LabelledRows));
        Assert.Equal([2, 1], fromPostgres.Drift.Select(d => d.ModelVersion!.Value));
        Assert.True(fromPostgres.Drift[0].Find("Size")!.Drifted);
        Assert.False(fromPostgres.Drift[1].Find("Size")!.Drifted);
        Assert.Equal(Numbers(fromFiles.Drift), Numbers(fromPostgres.Drift));
        QualityWindow[] expected = [.. fromFiles.Quality!.History, .. fromFiles.Quality.Current];
        QualityWindow[] actual = [.. fromPostgres.Quality!.History, .. fromPostgres.Quality.Current];
        Assert.Equal(expected.Select(w => (w.ModelVersion, w.Variant, w.Count, w.Start, w.End)), actual.Select(w => (w.ModelVersion, w.Variant, w.Count, w.Start, w.End)));
        Assert.Equal(expected.Select(w => w.Metrics.OrderBy(m => m.Key).ToArray()), actual.Select(w => w.Metrics.OrderBy(m => m.Key).ToArray()));
        Assert.Equal(expected.Select(w => w.Segments.Count), actual.Select(w => w.Segments.Count));
    }

    private static (int?, long, string, double, bool)[] Numbers(IReadOnlyList<DriftReport> reports) =>
        [.. reports.SelectMany(r => r.Features.Select(f => (r.ModelVersion, r.CurrentRows, f.Feature, f.Score, f.Drifted)))];
}
