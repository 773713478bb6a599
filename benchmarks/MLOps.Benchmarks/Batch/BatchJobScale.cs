using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MLOps.Monitoring.Batch;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Quality.Feedback;

namespace MLOps.Benchmarks.Batch;

/// <summary>
/// Console mode <c>batch-job</c>: the batch monitoring job (<see cref="IBatchMonitor"/>) over a large prediction log, as
/// a process of its own so its peak memory is its own. <c>batch-job write --rows N --log pg|jsonl</c> fills a log with N
/// predictions of one model (four numeric and two categorical inputs, like the taxi sample's; ground truth for one row
/// in ten); <c>batch-job run --log pg|jsonl</c> runs the job over the whole range (drift against the reference profile,
/// regression quality in windows of 1,000) and prints rows per second, the managed heap's sampled peak and the
/// process's peak working set. Run it for 100k and 1M rows: memory must not grow with rows.
/// </summary>
/// <remarks>
/// PostgreSQL: <c>MLOPS_POSTGRES</c> (default the local test server), schema <c>bench_batch</c> (dropped by <c>write</c>).
/// JSON lines: the directory <c>BatchJobScale.log</c> under the system temp directory (deleted by <c>write</c>).
/// </remarks>
internal static class BatchJobScale
{
    private const string Schema = "bench_batch";
    private static readonly ModelName Model = ModelName.Parse("taxi-batch");
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private static string ConnectionString =>
        Environment.GetEnvironmentVariable("MLOPS_POSTGRES") is { Length: > 0 } cs ? cs : "Host=127.0.0.1;Port=5432;Username=mlops;Password=mlops;Database=mlops_test";

    private static string JsonDirectory => Path.Combine(Path.GetTempPath(), "BatchJobScale.log");

    private static string ProfilePath => Path.Combine(Path.GetTempPath(), "BatchJobScale.profile.json");

    public sealed class Trip
    {
        public double DistanceKm { get; set; }

        public double Hour { get; set; }

        public double Passengers { get; set; }

        public double Tip { get; set; }

        public string Vendor { get; set; } = "";

        public string Payment { get; set; } = "";
    }

    public static int Run(string[] args)
    {
        string mode = args.FirstOrDefault() ?? "";
        bool pg = Option(args, "--log", "pg") == "pg";
        int rows = int.Parse(Option(args, "--rows", "1000000"), CultureInfo.InvariantCulture);
        return mode switch
        {
            "write" => WriteAsync(pg, rows).GetAwaiter().GetResult(),
            "run" => RunJobAsync(pg).GetAwaiter().GetResult(),
            _ => Usage(),
        };
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: batch-job write --rows N --log pg|jsonl, then batch-job run --log pg|jsonl");
        return 2;
    }

    private static Trip NextTrip(Random random) => new()
    {
        DistanceKm = 0.5 + (random.NextDouble() * 20),
        Hour = random.Next(24),
        Passengers = 1 + random.Next(4),
        Tip = random.NextDouble() * 5,
        Vendor = random.NextDouble() < 0.5 ? "CMT" : "VTS",
        Payment = random.NextDouble() < 0.7 ? "card" : "cash",
    };

    private static ServiceProvider Services(bool pg)
    {
        var services = new ServiceCollection();
        if (pg)
        {
            services.Configure<PostgresRegistryOptions>(o => { o.ConnectionString = ConnectionString; o.Schema = Schema; });
            services.AddMLOps().AddPostgresPredictionLog(o => o.RetentionPeriod = TimeSpan.FromDays(3650)).AddBatchMonitoring();
        }
        else
        {
            services.AddMLOps().AddJsonLinesPredictionLog(o => { o.Directory = JsonDirectory; o.FlushToDisk = false; o.MaxFiles = 10_000; }).AddBatchMonitoring();
        }

        return services.BuildServiceProvider();
    }

    private static async Task<int> WriteAsync(bool pg, int rows)
    {
        if (pg)
        {
            await using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var drop = new Npgsql.NpgsqlCommand($"SET client_min_messages = warning; DROP SCHEMA IF EXISTS {Schema} CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
        else if (Directory.Exists(JsonDirectory))
        {
            Directory.Delete(JsonDirectory, recursive: true);
        }

        var random = new Random(1);
        await ReferenceProfile.Create(Enumerable.Range(0, 20_000).Select(_ => NextTrip(random))).SaveAsync(ProfilePath);
        await using ServiceProvider provider = Services(pg);
        IPredictionLog log = provider.GetRequiredService<IPredictionLog>();
        IFeedbackLog feedback = provider.GetRequiredService<IFeedbackLog>();
        var clock = Stopwatch.StartNew();
        var batch = new List<PredictionRecord>(10_000);
        var labels = new List<FeedbackRecord>(1_000);
        for (int i = 0; i < rows; i++)
        {
            Trip t = NextTrip(random);
            double predicted = 60 * (2 + (t.DistanceKm * 2.5));
            var record = new PredictionRecord(PredictionId.NewId(), Model, new ModelVersion(1 + (i * 2 / rows)), "primary",
                T0.AddMilliseconds(i * 100L), predicted, double.NaN, null, t.Vendor,
                [
                    new LoggedFeature(nameof(Trip.DistanceKm), FeatureKind.Numeric, t.DistanceKm, null),
                    new LoggedFeature(nameof(Trip.Hour), FeatureKind.Numeric, t.Hour, null),
                    new LoggedFeature(nameof(Trip.Passengers), FeatureKind.Numeric, t.Passengers, null),
                    new LoggedFeature(nameof(Trip.Tip), FeatureKind.Numeric, t.Tip, null),
                    new LoggedFeature(nameof(Trip.Vendor), FeatureKind.Categorical, double.NaN, t.Vendor),
                    new LoggedFeature(nameof(Trip.Payment), FeatureKind.Categorical, double.NaN, t.Payment),
                ]);
            batch.Add(record);
            if (i % 10 == 0)
            {
                labels.Add(new FeedbackRecord(record.PredictionId, predicted + (random.NextDouble() * 60) - 30, record.Timestamp.AddMinutes(20)));
            }

            if (batch.Count == batch.Capacity || i == rows - 1)
            {
                await log.AppendAsync(batch);
                await Parallel.ForEachAsync(labels, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (f, ct) => await feedback.TryAppendAsync(f, ct));

                batch.Clear();
                labels.Clear();
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"batch-job write ({(pg ? "PostgreSQL" : "JSON lines")}): {rows:N0} predictions (+{(rows + 9) / 10:N0} feedback) in {clock.Elapsed.TotalSeconds:F1} s"));
        return 0;
    }

    private static async Task<int> RunJobAsync(bool pg)
    {
        ReferenceProfile reference = await ReferenceProfile.LoadAsync(ProfilePath);
        await using ServiceProvider provider = Services(pg);
        IBatchMonitor monitor = provider.GetRequiredService<IBatchMonitor>();
        long peak = 0;
        using var cts = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!cts.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                await Task.Delay(5);
            }
        });
        var clock = Stopwatch.StartNew();
        BatchMonitoringReport report = await monitor.RunAsync(new BatchMonitoringRequest(Model, T0, T0.AddYears(1))
        {
            Reference = reference,
            Task = QualityTask.Regression,
            QualityWindowSize = 1000,
        });
        TimeSpan elapsed = clock.Elapsed;
        await cts.CancelAsync();
        await sampler;
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"batch-job run ({(pg ? "PostgreSQL" : "JSON lines")}): {report.Rows:N0} rows ({report.RowsWithInputs:N0} with inputs, {report.LabelledRows:N0} labelled), " +
            $"{report.Drift.Count} drift reports, {report.Quality?.History.Count ?? 0} quality windows, in {elapsed.TotalSeconds:F2} s = {report.Rows / elapsed.TotalSeconds:N0} rows/s; " +
            $"managed heap sampled peak {peak / 1e6:F1} MB; peak working set {process.PeakWorkingSet64 / 1e6:F1} MB"));
        return 0;
    }

    private static string Option(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
