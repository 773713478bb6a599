using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace MLOps.Cli.Tests.Support;

/// <summary>The result of running <c>mlops</c> as a process.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public JsonElement Json() => JsonDocument.Parse(Stdout).RootElement.Clone();

    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}

/// <summary>Runs the built tool as a process (<c>dotnet mlops.dll …</c>), as a user or a CI script does.</summary>
public static class CliRun
{
    public static readonly string ToolPath = Path.GetFullPath(typeof(CliRun).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "MLOpsCliPath").Value!);

    public static async Task<CliResult> RunAsync(string? workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        Assert.True(File.Exists(ToolPath), $"The tool was not built at {ToolPath}.");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        start.ArgumentList.Add(ToolPath);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("MLOPS_REGISTRY");
        start.Environment.Remove("MLOPS_REGISTRY_SCHEMA");
        foreach ((string key, string? value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(null, null, args);

    /// <summary>Asserts a failure that a user can act on: the exit code, a message naming what is wrong, and no stack trace.</summary>
    public static void AssertUserError(CliResult result, int exitCode, params string[] fragments)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        foreach (string fragment in fragments)
        {
            Assert.True(result.Stderr.Contains(fragment, StringComparison.Ordinal), $"'{fragment}' not in: {result}");
        }

        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Stderr, StringComparison.Ordinal);
    }
}
