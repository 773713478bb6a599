using System.Text.Json;
using MLOps.Cli.Tests.Support;
using MLOps.Monitoring.Drift;

namespace MLOps.Cli.Tests.Data;

/// <summary><c>mlops drift</c>: the exit code is the CI gate (0 no drift, 1 drift), the report is the library's.</summary>
public sealed class DriftCommandTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new();
    private string _profile = "";

    public async Task InitializeAsync()
    {
        string reference = CsvFiles.Write(_directory.Path, "reference.csv", CsvFiles.Rows(2000, seed: 1));
        _profile = Path.Combine(_directory.Path, "profile.json");
        CliResult result = await CliRun.RunAsync("profile", reference, "-o", _profile, "--categorical", "zip");
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Drift_DataLikeTheReference_ExitsWithZero()
    {
        string current = CsvFiles.Write(_directory.Path, "current.csv", CsvFiles.Rows(2000, seed: 2));

        CliResult result = await CliRun.RunAsync("drift", "--reference", _profile, "--current", current);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("No dataset drift", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drift_ShiftedData_ExitsWithOneAndWritesTheJsonReport()
    {
        string current = CsvFiles.Write(_directory.Path, "current.csv", CsvFiles.Rows(2000, seed: 2, shift: 1));
        string output = Path.Combine(_directory.Path, "report.json");

        CliResult result = await CliRun.RunAsync("drift", "--reference", _profile, "--current", current, "-o", output);

        Assert.True(result.ExitCode == 1, result.ToString());
        DriftReport report = DriftReport.FromJson(await File.ReadAllTextAsync(output));
        Assert.True(report.DatasetDrift);
        Assert.Equal(2000, report.CurrentRows);
        Assert.True(report.Find("age")!.Drifted);
        Assert.True(report.Find("city")!.Drifted);
        Assert.InRange(report.DataQuality.Features.Single(f => f.Feature == "city").UnseenCategoryRatio, 0.7, 0.9); // about 80 % "lille", a city the reference never saw
    }

    [Fact]
    public async Task Drift_Json_PrintsTheReport()
    {
        string current = CsvFiles.Write(_directory.Path, "current.csv", CsvFiles.Rows(300, seed: 3, shift: 1));

        CliResult result = await CliRun.RunAsync("drift", "--reference", _profile, "--current", current, "--json");

        Assert.True(result.ExitCode == 1, result.ToString());
        DriftReport report = DriftReport.FromJson(result.Stdout);
        Assert.Equal(5, report.EvaluatedFeatures);
        Assert.Equal(300, report.CurrentRows);
    }

    [Fact]
    public async Task Drift_ExtraColumnsAndAnotherOrder_AreMatchedByName()
    {
        string[] lines = CsvFiles.Rows(500, seed: 4).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var reordered = lines.Select(l => l.Split(',')).Select(f => string.Join(',', f[4], "extra", f[2], f[0], f[3], f[1]));
        string current = CsvFiles.Write(_directory.Path, "current.csv", string.Join('\n', reordered) + "\n");

        CliResult result = await CliRun.RunAsync("drift", "--reference", _profile, "--current", current, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(500, DriftReport.FromJson(result.Stdout).CurrentRows);
    }

    [Fact]
    public async Task Drift_HtmlOutput_WritesTheSelfContainedHtmlReport()
    {
        string current = CsvFiles.Write(_directory.Path, "current.csv", CsvFiles.Rows(500, seed: 2, shift: 1));
        string output = Path.Combine(_directory.Path, "report.html");

        CliResult result = await CliRun.RunAsync("drift", "--reference", _profile, "--current", current, "-o", output);

        Assert.True(result.ExitCode == 1, result.ToString());
        string html = await File.ReadAllTextAsync(output);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("income", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drift_OtherOutputExtension_IsAClearUsageError()
    {
        string current = CsvFiles.Write(_directory.Path, "current.csv", CsvFiles.Rows(10, seed: 2));

        CliResult result = await CliRun.RunAsync("drift", "--reference", _profile, "--current", current, "-o", Path.Combine(_directory.Path, "r.pdf"));

        CliRun.AssertUserError(result, 2, "r.pdf", ".json or .html");
    }

    [Fact]
    public async Task Drift_ReferenceIsNotAProfile_ExitsWithTwo()
    {
        string bogus = CsvFiles.Write(_directory.Path, "bogus.json", "{\"hello\": 1}");
        string current = CsvFiles.Write(_directory.Path, "current.csv", CsvFiles.Rows(10, seed: 2));

        CliResult result = await CliRun.RunAsync("drift", "--reference", bogus, "--current", current);

        CliRun.AssertUserError(result, 2, "bogus.json", "not a reference profile");
    }

    [Fact]
    public async Task Drift_ParseOnly_ReadsEveryRowAndExitsWithZero()
    {
        string current = CsvFiles.Write(_directory.Path, "current.csv", CsvFiles.Rows(5000, seed: 2, shift: 1));

        CliResult result = await CliRun.RunAsync("drift", "--reference", _profile, "--current", current, "--parse-only");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("parsed 5000 rows × 5 columns", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drift_MissingReferenceOption_IsAUsageErrorWithExitCodeTwo()
    {
        CliResult result = await CliRun.RunAsync("drift", "--current", "x.csv");

        CliRun.AssertUserError(result, 2, "--reference");
    }

    [Fact]
    public async Task UnknownCommand_IsAUsageErrorWithExitCodeTwo()
    {
        CliResult result = await CliRun.RunAsync("frobnicate");

        CliRun.AssertUserError(result, 2, "frobnicate");
    }

    [Fact]
    public async Task Help_ListsTheCommandsAndExitsWithZero()
    {
        CliResult result = await CliRun.RunAsync("--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (string command in new[] { "models", "versions", "aliases", "promote", "rollback", "approvals", "audit", "profile", "drift", "monitor" })
        {
            Assert.Contains(command, result.Stdout, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("parse-only", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Completion_SuggestDirective_CompletesCommandNames()
    {
        CliResult result = await CliRun.RunAsync("[suggest:9]", "mlops pro");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("profile", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("promote", result.Stdout, StringComparison.Ordinal);
    }

    internal static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
