using System.Text.Json;
using Microsoft.Extensions.Options;
using MLOps.Cli.Tests.Support;
using MLOps.Monitoring.Quality.Feedback;

namespace MLOps.Cli.Tests.Monitor;

/// <summary><c>mlops monitor</c> over a prediction log written by the library's <see cref="JsonLinesPredictionLog"/>.</summary>
public sealed class MonitorCommandTests : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset Day1 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _directory = new();

    public async Task InitializeAsync()
    {
        using var log = new JsonLinesPredictionLog(Options.Create(new JsonLinesPredictionLogOptions { Directory = _directory.Path, FlushToDisk = false }));
        var records = new List<PredictionRecord>();
        for (int i = 0; i < 30; i++)
        {
            // taxi v1 on day 1 (10 predictions), taxi v2 on day 2 (20, 5 of them variant "b"), and another model.
            int version = i < 10 ? 1 : 2;
            DateTimeOffset at = version == 1 ? Day1.AddMinutes(i) : Day1.AddDays(1).AddMinutes(i);
            records.Add(new PredictionRecord(PredictionId.NewId(), ModelName.Parse("taxi"), new ModelVersion(version), i >= 25 ? "b" : "a", at, i, double.NaN, i % 2 == 0 ? "short" : "long", null));
        }

        records.Add(new PredictionRecord(PredictionId.NewId(), ModelName.Parse("other"), new ModelVersion(1), "a", Day1, 1, double.NaN, null, null));
        await log.AppendAsync(records);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Monitor_Json_CountsPerVersionVariantAndDayAndSummarizesOutputs()
    {
        CliResult result = await CliRun.RunAsync("monitor", "--log", _directory.Path, "--model", "taxi", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        JsonElement json = result.Json();
        Assert.Equal(30, json.GetProperty("predictions").GetInt64());
        JsonElement[] versions = [.. json.GetProperty("byVersion").EnumerateArray()];
        Assert.Equal([(1, "a", 10L), (2, "a", 15L), (2, "b", 5L)], versions.Select(v => (v.GetProperty("version").GetInt32(), v.GetProperty("variant").GetString()!, v.GetProperty("predictions").GetInt64())));
        Assert.Equal([10L, 20L], json.GetProperty("byDay").EnumerateArray().Select(d => d.GetProperty("predictions").GetInt64()));
        Assert.Equal(14.5, json.GetProperty("value").GetProperty("mean").GetDouble(), 9);
        Assert.Equal(0, json.GetProperty("score").GetProperty("count").GetInt64());
        Assert.Equal(15, json.GetProperty("labels").GetProperty("short").GetInt64());
    }

    [Fact]
    public async Task Monitor_FromTo_KeepsOnlyThatPeriod()
    {
        CliResult result = await CliRun.RunAsync("monitor", "--log", _directory.Path, "--model", "taxi", "--from", "2026-03-02", "--to", "2026-03-03", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(20, result.Json().GetProperty("predictions").GetInt64());
    }

    [Fact]
    public async Task Monitor_Table_SaysWhatTheLogCannotGive()
    {
        CliResult result = await CliRun.RunAsync("monitor", "--log", _directory.Path, "--model", "taxi");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("30 predictions of 'taxi'", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("no ground truth", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Monitor_MissingDirectory_ExitsWithTwo()
    {
        string missing = Path.Combine(_directory.Path, "nope");

        CliResult result = await CliRun.RunAsync("monitor", "--log", missing, "--model", "taxi");

        CliRun.AssertUserError(result, 2, missing);
    }
}
