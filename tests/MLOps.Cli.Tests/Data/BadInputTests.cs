using System.Text;
using MLOps.Cli.Tests.Support;

namespace MLOps.Cli.Tests.Data;

/// <summary>Every bad file gets exit code 2 and a message naming the file and the line (and column) that is wrong, never a stack trace.</summary>
public sealed class BadInputTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new();
    private string _profile = "";

    public async Task InitializeAsync()
    {
        string reference = CsvFiles.Write(_directory.Path, "reference.csv", CsvFiles.Rows(200, seed: 1));
        _profile = Path.Combine(_directory.Path, "profile.json");
        CliResult result = await CliRun.RunAsync("profile", reference, "-o", _profile);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("drift")]
    [InlineData("profile")]
    public async Task RaggedRow_NamesTheFileAndLine(string command)
    {
        string data = CsvFiles.Write(_directory.Path, "data.csv", CsvFiles.Header + "\n41,3000,paris,true,75001\n42,3100,lyon,false\n");

        CliResult result = await Run(command, data);

        CliRun.AssertUserError(result, 2, "data.csv:3:", "4 field(s) but the header has 5");
    }

    [Fact]
    public async Task WrongColumnType_NamesTheFileLineColumnAndValue()
    {
        string data = CsvFiles.Write(_directory.Path, "data.csv", CsvFiles.Header + "\n41,3000,paris,true,75001\n42,lots,lyon,false,75002\n");

        CliResult result = await Run("drift", data);

        CliRun.AssertUserError(result, 2, "data.csv:3:", "column 'income' (field 2)", "'lots'", "not a number");
    }

    [Fact]
    public async Task WrongBoolean_NamesTheFileLineAndColumn()
    {
        string data = CsvFiles.Write(_directory.Path, "data.csv", CsvFiles.Header + "\n41,3000,paris,maybe,75001\n");

        CliResult result = await Run("drift", data);

        CliRun.AssertUserError(result, 2, "data.csv:2:", "column 'member' (field 4)", "not a boolean");
    }

    [Theory]
    [InlineData("drift")]
    [InlineData("profile")]
    public async Task EmptyFile_SaysItIsEmpty(string command)
    {
        string data = CsvFiles.Write(_directory.Path, "data.csv", "");

        CliResult result = await Run(command, data);

        CliRun.AssertUserError(result, 2, "data.csv", "empty");
    }

    [Theory]
    [InlineData("drift")]
    [InlineData("profile")]
    public async Task HeaderOnly_SaysThereAreNoRows(string command)
    {
        string data = CsvFiles.Write(_directory.Path, "data.csv", CsvFiles.Header + "\n");

        CliResult result = await Run(command, data);

        CliRun.AssertUserError(result, 2, "data.csv", "no rows");
    }

    [Fact]
    public async Task MissingColumn_NamesTheColumn()
    {
        string data = CsvFiles.Write(_directory.Path, "data.csv", "age,income,city,zip\n41,3000,paris,75001\n");

        CliResult result = await Run("drift", data);

        CliRun.AssertUserError(result, 2, "data.csv", "missing column 'member'");
    }

    [Theory]
    [InlineData("drift")]
    [InlineData("profile")]
    public async Task InvalidUtf8_NamesTheLineAndColumn(string command)
    {
        string path = Path.Combine(_directory.Path, "data.csv");
        byte[] head = Encoding.UTF8.GetBytes(CsvFiles.Header + "\n41,3000,paris,true,75001\n42,3100,ly");
        byte[] tail = Encoding.UTF8.GetBytes("on,false,75002\n");
        await File.WriteAllBytesAsync(path, [.. head, 0xFF, .. tail]);

        CliResult result = await Run(command, path);

        CliRun.AssertUserError(result, 2, "data.csv:3:11:", "invalid UTF-8", "0xFF");
    }

    [Fact]
    public async Task DuplicateHeader_NamesTheColumn()
    {
        string data = CsvFiles.Write(_directory.Path, "data.csv", "a,b,a\n1,2,3\n");

        CliResult result = await Run("profile", data);

        CliRun.AssertUserError(result, 2, "data.csv:1:", "repeats the name 'a'");
    }

    [Fact]
    public async Task MissingFile_SaysSo()
    {
        CliResult result = await Run("drift", Path.Combine(_directory.Path, "nope.csv"));

        CliRun.AssertUserError(result, 2, "nope.csv: no such file");
    }

    [Fact]
    public async Task UnknownExtension_SaysWhichAreKnown()
    {
        string data = CsvFiles.Write(_directory.Path, "data.xlsx", "x");

        CliResult result = await Run("drift", data);

        CliRun.AssertUserError(result, 2, "data.xlsx", ".csv");
    }

    [Fact]
    public async Task NotParquet_SaysSo()
    {
        string data = CsvFiles.Write(_directory.Path, "data.parquet", "this is not parquet at all");

        CliResult result = await Run("profile", data);

        CliRun.AssertUserError(result, 2, "data.parquet", "Parquet");
    }

    private Task<CliResult> Run(string command, string data) => command == "drift"
        ? CliRun.RunAsync("drift", "--reference", _profile, "--current", data)
        : CliRun.RunAsync("profile", data, "-o", Path.Combine(_directory.Path, "out.json"));
}
