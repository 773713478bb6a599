using System.Text.Json;
using Microsoft.Extensions.Options;
using MLOps.Cli.Tests.Support;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Quality.Feedback;

namespace MLOps.Cli.Tests.Monitor;

/// <summary><c>mlops monitor batch</c> over a log written by the library: inputs with <c>LogInputs()</c>'s format, feedback through <see cref="IFeedbackLog"/>.</summary>
public sealed class MonitorBatchCommandTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 4, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _directory = new();

    private string Log => Path.Combine(_directory.Path, "log");

    private string Profile => Path.Combine(_directory.Path, "profile.json");

    public sealed class Row
    {
        public double Amount { get; set; }

        public string? Channel { get; set; }
    }

    private static Row[] Rows(int count, int seed, double shift)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => new Row { Amount = shift + (random.NextDouble() * 10), Channel = random.NextDouble() < 0.5 ? "web" : "shop" })];
    }

    public async Task InitializeAsync()
    {
        await ReferenceProfile.Create(Rows(2000, seed: 1, shift: 0)).SaveAsync(Profile);
        using var log = new JsonLinesPredictionLog(Options.Create(new JsonLinesPredictionLogOptions { Directory = Log, FlushToDisk = false }));
        var records = new List<PredictionRecord>();
        // Version 1 serves rows like the reference's; version 2 serves rows shifted far from it.
        Row[] served = [.. Rows(300, seed: 2, shift: 0), .. Rows(200, seed: 3, shift: 50)];
        for (int i = 0; i < served.Length; i++)
        {
            records.Add(new PredictionRecord(PredictionId.NewId(), ModelName.Parse("fraud"), new ModelVersion(i < 300 ? 1 : 2), "primary",
                T0.AddMinutes(i), served[i].Amount * 2, double.NaN, null, null,
                [new LoggedFeature("Amount", FeatureKind.Numeric, served[i].Amount, null), new LoggedFeature("Channel", FeatureKind.Categorical, double.NaN, served[i].Channel)]));
        }

        // Rows logged without inputs (before LogInputs() was on), on the day before.
        records.Add(new PredictionRecord(PredictionId.NewId(), ModelName.Parse("fraud"), new ModelVersion(1), "primary", T0.AddDays(-1), 1, double.NaN, null, null));
        await log.AppendAsync(records);
        for (int i = 0; i < served.Length; i += 2)
        {
            await log.TryAppendAsync(new FeedbackRecord(records[i].PredictionId, (served[i].Amount * 2) + 1, T0.AddDays(1)));
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task MonitorBatch_Json_DriftPerVersionQualityWindowsHtmlAndExitOneOnDrift()
    {
        string html = Path.Combine(_directory.Path, "batch.html");

        CliResult result = await CliRun.RunAsync("monitor", "batch", "--log", Log, "--model", "fraud", "--from", "2026-04-01", "--to", "2026-04-02",
            "--reference", Profile, "--task", "regression", "--window", "50", "--html", html, "--json");

        Assert.True(result.ExitCode == 1, result.ToString());
        JsonElement json = result.Json();
        Assert.Equal((500, 500, 250), (json.GetProperty("rows").GetInt32(), json.GetProperty("rowsWithInputs").GetInt32(), json.GetProperty("labelledRows").GetInt32()));
        JsonElement[] drift = [.. json.GetProperty("drift").EnumerateArray()];
        Assert.Equal([(2, true, 200), (1, false, 300)], drift.Select(d => (d.GetProperty("modelVersion").GetInt32(), d.GetProperty("datasetDrift").GetBoolean(), d.GetProperty("currentRows").GetInt32())));
        JsonElement[] windows = [.. json.GetProperty("quality").GetProperty("windows").EnumerateArray()];
        Assert.Equal(250, windows.Sum(w => w.GetProperty("count").GetInt32()));
        // Every prediction is off by exactly 1 from its ground truth.
        Assert.All(windows, w => Assert.Equal(1, w.GetProperty("metrics").GetProperty("mae").GetDouble(), 12));
        string page = await File.ReadAllTextAsync(html);
        Assert.Contains("Batch monitoring report: fraud", page, StringComparison.Ordinal);
        Assert.Contains("Drift report: fraud", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MonitorBatch_Table_VersionOneAloneAndRowsWithoutInputs_ExitsZeroWithTheNote()
    {
        CliResult result = await CliRun.RunAsync("monitor", "batch", "--log", Log, "--model", "fraud", "--from", "2026-03-31", "--to", "2026-04-01T05:00:00Z", "--reference", Profile);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("301 predictions of 'fraud' (300 with inputs, 150 with ground truth)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 of the 301 rows have no inputs", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("quality task is unknown", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MonitorBatch_BadArguments_ExitWithTwoAndSayWhy()
    {
        CliRun.AssertUserError(await CliRun.RunAsync("monitor", "batch", "--log", Log, "--model", "fraud", "--task", "ranking"), 2, "--task");
        CliRun.AssertUserError(await CliRun.RunAsync("monitor", "batch", "--log", Log, "--model", "fraud", "--from", "2026-04-02", "--to", "2026-04-01"), 2, "--from must be before --to");
        CliRun.AssertUserError(await CliRun.RunAsync("monitor", "batch", "--log", Path.Combine(Log, "nope"), "--model", "fraud"), 2, "no such directory");
        CliRun.AssertUserError(await CliRun.RunAsync("monitor", "batch", "--log", Log, "--model", "fraud", "--reference", Path.Combine(Log, "none.json")), 2, "no such file");
    }
}
