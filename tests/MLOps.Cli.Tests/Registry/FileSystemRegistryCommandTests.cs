using MLOps.Cli.Tests.Support;

namespace MLOps.Cli.Tests.Registry;

/// <summary>The registry commands on a file-system registry in a fresh temporary directory.</summary>
public sealed class FileSystemRegistryCommandTests : RegistryCommandTests, IDisposable
{
    private readonly TempDirectory _directory = new();

    protected override string[] RegistryArgs => ["--registry", _directory.Path];

    public void Dispose() => _directory.Dispose();

    protected override ModelRegistry OpenRegistry() => new FileSystemModelRegistry(new FileSystemRegistryOptions { RootPath = _directory.Path });

    [Fact]
    public async Task ModelsList_RegistryFromTheEnvironment_UsesIt()
    {
        CliResult result = await CliRun.RunAsync(null, new Dictionary<string, string?> { ["MLOPS_REGISTRY"] = _directory.Path }, "models", "list", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(result.Json().EnumerateArray());
    }

    [Fact]
    public async Task ModelsList_NoRegistry_ExitsWithTwoAndSaysHowToNameOne()
    {
        CliResult result = await CliRun.RunAsync("models", "list");

        CliRun.AssertUserError(result, 2, "--registry", "MLOPS_REGISTRY");
    }

    [Fact]
    public async Task ModelsList_MissingDirectory_ExitsWithTwo()
    {
        string missing = Path.Combine(_directory.Path, "nope");

        CliResult result = await CliRun.RunAsync("models", "list", "--registry", missing);

        CliRun.AssertUserError(result, 2, missing);
    }
}
