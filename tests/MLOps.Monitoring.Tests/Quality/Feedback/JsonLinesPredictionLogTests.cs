using System.Text;
using Microsoft.Extensions.Options;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Monitoring.Tests.Quality.Support;

namespace MLOps.Monitoring.Tests.Quality.Feedback;

public class JsonLinesPredictionLogTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task AppendAsync_ThenReadAllAndFind_RoundTripsEveryField()
    {
        using var dir = new TempDirectory();
        using var log = Create(dir.Path);
        PredictionRecord[] records =
        [
            new(PredictionId.NewId(), ModelName.Parse("house"), new ModelVersion(3), "primary", T0, 123.25, double.NaN, null, "north"),
            new(PredictionId.NewId(), ModelName.Parse("churn"), new ModelVersion(1), "canary", T0.AddSeconds(1), 1, 0.8125, null, null),
            new(PredictionId.NewId(), ModelName.Parse("species"), new ModelVersion(2), "primary", T0.AddSeconds(2), double.NaN, double.NaN, "set\"osa\n", "ü"),
        ];

        await log.AppendAsync(records);
        await log.AppendAsync(records[..1].Select(r => r with { PredictionId = PredictionId.NewId() }).ToArray());
        List<PredictionRecord> read = await ReadAll(log);

        Assert.Equal(4, read.Count);
        Assert.Equal(records, read.Take(3));
        Assert.Equal(records[1], await log.FindAsync(records[1].PredictionId));
        Assert.Null(await log.FindAsync(PredictionId.NewId()));
        Assert.Null(await log.FindAsync(default));
    }

    [Fact]
    public async Task ReadAllAsync_TornLastLineAfterCrash_IsSkippedAndTheNextWriterStartsAFreshLine()
    {
        using var dir = new TempDirectory();
        var first = new PredictionRecord(PredictionId.NewId(), ModelName.Parse("house"), new ModelVersion(1), "primary", T0, 1.5, double.NaN, null, null);
        using (var log = Create(dir.Path))
        {
            await log.AppendAsync([first]);
        }

        // Simulate a crash in the middle of writing a second line.
        string file = Directory.GetFiles(dir.Path, "*.jsonl").Single();
        string line = File.ReadAllLines(file)[0];
        await File.AppendAllTextAsync(file, line[..(line.Length / 2)], Encoding.UTF8);

        using var reopened = Create(dir.Path);
        Assert.Equal([first], await ReadAll(reopened));

        var second = first with { PredictionId = PredictionId.NewId(), PredictedValue = 2.5 };
        await reopened.AppendAsync([second]);

        Assert.Equal([first, second], await ReadAll(reopened));
        Assert.Equal(second, await reopened.FindAsync(second.PredictionId));
        Assert.Equal(3, File.ReadAllLines(file).Length);   // record, torn line, record
    }

    [Fact]
    public async Task AppendAsync_BeyondMaxFileSize_RotatesAndKeepsMaxFiles()
    {
        using var dir = new TempDirectory();
        using var log = Create(dir.Path, o =>
        {
            o.MaxFileSize = 4096;
            o.MaxFiles = 3;
        });
        var all = new List<PredictionRecord>();
        for (int batch = 0; batch < 10; batch++)
        {
            PredictionRecord[] records = Enumerable.Range(0, 20)
                .Select(i => new PredictionRecord(PredictionId.NewId(), ModelName.Parse("house"), new ModelVersion(1), "primary", T0.AddSeconds(i), i, double.NaN, null, null))
                .ToArray();
            all.AddRange(records);
            await log.AppendAsync(records);
        }

        string[] files = Directory.GetFiles(dir.Path, "*.jsonl").Order().ToArray();
        Assert.Equal(3, files.Length);
        Assert.All(files, f => Assert.True(new FileInfo(f).Length < 4096 + 3000));   // rotated before exceeding by more than a batch
        Assert.DoesNotContain(files, f => f.EndsWith("predictions-000001.jsonl", StringComparison.Ordinal));   // oldest pruned
        List<PredictionRecord> read = await ReadAll(log);
        Assert.Equal(all.TakeLast(read.Count), read);   // the newest records survive, in order
        Assert.Equal(all[^1], await log.FindAsync(all[^1].PredictionId));
        Assert.Null(await log.FindAsync(all[0].PredictionId));   // pruned
    }

    [Fact]
    public async Task FindAsync_IdWithAPrefixNoLoggedPredictionHas_AnswersWithoutScanningFiles()
    {
        using var dir = new TempDirectory();
        using var log = Create(dir.Path);
        var local = new PredictionRecord(PredictionId.NewId(), ModelName.Parse("house"), new ModelVersion(1), "primary", T0, 1, double.NaN, null, null);
        await log.AppendAsync([local]);
        Assert.Equal(local, await log.FindAsync(local.PredictionId));   // builds the prefix set, then scans
        long scans = log.FileScans;

        for (int i = 0; i < 100; i++)
        {
            Assert.Null(await log.FindAsync(PredictionId.FromGuid(Guid.NewGuid())));
        }

        Assert.Equal(scans, log.FileScans);
        var foreign = local with { PredictionId = PredictionId.FromGuid(Guid.NewGuid()) };
        await log.AppendAsync([foreign]);   // appended prefixes are known immediately
        Assert.Equal(foreign, await log.FindAsync(foreign.PredictionId));
    }

    [Fact]
    public async Task ReadAllAndFind_LineLongerThanTheLimit_IsSkippedWithoutBufferingItAndLaterLinesAreRead()
    {
        // Issue 15 item 3: nothing read per prediction may be unbounded, a damaged or foreign log file included.
        using var dir = new TempDirectory();
        var first = new PredictionRecord(PredictionId.NewId(), ModelName.Parse("house"), new ModelVersion(1), "primary", T0, 1.5, double.NaN, null, "north");
        var second = first with { PredictionId = PredictionId.NewId(), PredictedValue = 2.5 };
        using (var log = Create(dir.Path))
        {
            await log.AppendAsync([first]);
        }

        string file = Directory.GetFiles(dir.Path, "*.jsonl").Single();
        string longLine = File.ReadAllLines(file)[0].Replace("\"north\"", "\"" + new string('v', 3 * JsonLinesPredictionLog.MaxLineBytes) + "\"", StringComparison.Ordinal);
        await File.AppendAllTextAsync(file, longLine + "\n", Encoding.UTF8);
        using (var log = Create(dir.Path))
        {
            await log.AppendAsync([second]);
        }

        using var reopened = Create(dir.Path);
        Assert.Equal([first, second], await ReadAll(reopened));
        Assert.Equal(second, await reopened.FindAsync(second.PredictionId));
    }

    [Fact]
    public void Constructor_EmptyDirectory_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => new JsonLinesPredictionLog(Options.Create(new JsonLinesPredictionLogOptions { Directory = " " })));
    }

    private static JsonLinesPredictionLog Create(string directory, Action<JsonLinesPredictionLogOptions>? configure = null)
    {
        var options = new JsonLinesPredictionLogOptions { Directory = directory, FlushToDisk = false };
        configure?.Invoke(options);
        return new JsonLinesPredictionLog(Options.Create(options));
    }

    private static async Task<List<PredictionRecord>> ReadAll(JsonLinesPredictionLog log)
    {
        var list = new List<PredictionRecord>();
        await foreach (PredictionRecord record in log.ReadAllAsync())
        {
            list.Add(record);
        }

        return list;
    }
}
