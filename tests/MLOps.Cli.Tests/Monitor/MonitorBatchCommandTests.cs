using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MLOps.Cli.Tests.Support;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Quality.Feedback;

namespace MLOps.Cli.Tests.Monitor;

/// <summary>
/// <c>mlops monitor batch</c> over a log written by the library: inputs with <c>LogInputs()</c>'s format, feedback through
/// <see cref="IFeedbackLog"/>. The same rows and the same answers over both logs: JSON lines
/// (<see cref="JsonLinesMonitorBatchCommandTests"/>) and PostgreSQL (<see cref="PostgresMonitorBatchCommandTests"/>).
/// </summary>
public abstract class MonitorBatchCommandTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 4, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _directory = new();

    /// <summary>The <c>--log</c> argument and what follows it (such as <c>--schema</c>).</summary>
    protected abstract string[] LogArguments { get; }

    /// <summary>Writes the rows, then the feedback, to the log under test.</summary>
    protected abstract Task WriteAsync(IReadOnlyList<PredictionRecord> records, IReadOnlyList<FeedbackRecord> feedback);

    protected string Directory => _directory.Path;

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

    public virtual async Task InitializeAsync()
    {
        await ReferenceProfile.Create(Rows(2000, seed: 1, shift: 0)).SaveAsync(Profile);
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
        var feedback = new List<FeedbackRecord>();
        for (int i = 0; i < served.Length; i += 2)
        {
            feedback.Add(new FeedbackRecord(records[i].PredictionId, (served[i].Amount * 2) + 1, T0.AddDays(1)));
        }

        await WriteAsync(records, feedback);
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _directory.Dispose();
        GC.SuppressFinalize(this);
    }

    private Task<CliResult> RunAsync(params string[] arguments) => CliRun.RunAsync(["monitor", "batch", .. LogArguments, .. arguments]);

    [Fact]
    public async Task MonitorBatch_Json_DriftPerVersionQualityWindowsHtmlAndExitOneOnDrift()
    {
        string html = Path.Combine(_directory.Path, "batch.html");

        CliResult result = await RunAsync("--model", "fraud", "--from", "2026-04-01", "--to", "2026-04-02",
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
        CliResult result = await RunAsync("--model", "fraud", "--from", "2026-03-31", "--to", "2026-04-01T05:00:00Z", "--reference", Profile);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("301 predictions of 'fraud' (300 with inputs, 150 with ground truth)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 of the 301 rows have no inputs", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("quality task is unknown", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MonitorBatch_BadArguments_ExitWithTwoAndSayWhy()
    {
        CliRun.AssertUserError(await RunAsync("--model", "fraud", "--task", "ranking"), 2, "--task");
        CliRun.AssertUserError(await RunAsync("--model", "fraud", "--from", "2026-04-02", "--to", "2026-04-01"), 2, "--from must be before --to");
        CliRun.AssertUserError(await CliRun.RunAsync("monitor", "batch", "--log", Path.Combine(Directory, "nope"), "--model", "fraud"), 2, "no such directory");
        CliRun.AssertUserError(await RunAsync("--model", "fraud", "--reference", Path.Combine(Directory, "none.json")), 2, "no such file");
    }
}

/// <summary><c>monitor batch --log &lt;directory&gt;</c>: the JSON-lines log.</summary>
public sealed class JsonLinesMonitorBatchCommandTests : MonitorBatchCommandTests
{
    private string Log => Path.Combine(Directory, "log");

    protected override string[] LogArguments => ["--log", Log];

    protected override async Task WriteAsync(IReadOnlyList<PredictionRecord> records, IReadOnlyList<FeedbackRecord> feedback)
    {
        using var log = new JsonLinesPredictionLog(Options.Create(new JsonLinesPredictionLogOptions { Directory = Log, FlushToDisk = false }));
        await log.AppendAsync(records);
        foreach (FeedbackRecord f in feedback)
        {
            await log.TryAppendAsync(f);
        }
    }
}

/// <summary>
/// <c>monitor batch --log "Host=…" --schema s</c>: the PostgreSQL log of fleet mode, written through the library's
/// <c>AddPostgresPredictionLog</c> (binary COPY, partitions made for April 2026 on demand), read back by the CLI.
/// </summary>
public sealed class PostgresMonitorBatchCommandTests : MonitorBatchCommandTests
{
    private PostgresSchema? _schema;

    protected override string[] LogArguments => ["--log", _schema!.ConnectionString, "--schema", _schema.Name];

    public override async Task InitializeAsync()
    {
        _schema = await PostgresSchema.CreateAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _schema!.DisposeAsync();
    }

    protected override async Task WriteAsync(IReadOnlyList<PredictionRecord> records, IReadOnlyList<FeedbackRecord> feedback)
    {
        var services = new ServiceCollection();
        services.Configure<PostgresRegistryOptions>(o => { o.ConnectionString = _schema!.ConnectionString; o.Schema = _schema.Name; });
        services.AddMLOps().AddPostgresPredictionLog();
        await using ServiceProvider provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IPredictionLog>().AppendAsync(records);
        IFeedbackLog log = provider.GetRequiredService<IFeedbackLog>();
        foreach (FeedbackRecord f in feedback)
        {
            Assert.True(await log.TryAppendAsync(f));
        }
    }

    [Fact]
    public async Task MonitorBatch_PostgresLogWithoutAReference_ComparesEachVersionWithItsProfileInTheSameSchemasRegistry()
    {
        // Versions 1 and 2 of "fraud" in the registry of the log's schema, each with the reference profile.
        byte[] profile = await File.ReadAllBytesAsync(Path.Combine(Directory, "profile.json"));
        await using (var registry = new PostgresModelRegistry(new PostgresRegistryOptions { ConnectionString = _schema!.ConnectionString, Schema = _schema.Name, ListenForNotifications = false }))
        {
            for (int v = 1; v <= 2; v++)
            {
                await registry.RegisterVersionAsync(new RegisterVersionRequest(ModelName.Parse("fraud"), [ModelArtifact.FromBytes(new byte[] { 1, 2, 3 })])
                {
                    ReferenceProfile = new ReferenceProfileBlob("application/json", profile),
                });
            }
        }

        // No --reference and no --registry.
        CliResult result = await CliRun.RunAsync(["monitor", "batch", .. LogArguments, "--model", "fraud", "--from", "2026-04-01", "--to", "2026-04-02", "--json"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        JsonElement[] drift = [.. result.Json().GetProperty("drift").EnumerateArray()];
        Assert.Equal([(2, true, 200), (1, false, 300)], drift.Select(d => (d.GetProperty("modelVersion").GetInt32(), d.GetProperty("datasetDrift").GetBoolean(), d.GetProperty("currentRows").GetInt32())));
    }
}