using MLOps.Cli.Tests.Support;
using MLOps.Monitoring.Profiles;

namespace MLOps.Cli.Tests.Data;

/// <summary><c>mlops profile</c> on CSV files: types inferred by the documented rule, the profile readable by the library.</summary>
public sealed class ProfileCommandTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Profile_Csv_InfersNumbersBooleansAndCategories()
    {
        string data = CsvFiles.Write(_directory.Path, "data.csv", CsvFiles.Rows(500, seed: 1));
        string output = Path.Combine(_directory.Path, "profile.json");

        CliResult result = await CliRun.RunAsync("profile", data, "-o", output, "--categorical", "zip", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(500, result.Json().GetProperty("rows").GetInt64());
        ReferenceProfile profile = await ReferenceProfile.LoadAsync(output);
        Assert.Equal(500, profile.RowCount);
        Assert.Equal(FeatureKind.Numeric, profile.Find("age")!.Kind);
        Assert.Equal(FeatureKind.Numeric, profile.Find("income")!.Kind);
        Assert.Equal(FeatureKind.Categorical, profile.Find("city")!.Kind);
        Assert.Equal(FeatureKind.Boolean, profile.Find("member")!.Kind);
        Assert.Equal(FeatureKind.Categorical, profile.Find("zip")!.Kind);
        Assert.Equal(3, profile.Find("city")!.Categories.Count);
    }

    [Fact]
    public async Task Profile_EmptyCellsAndMixedColumns_MissingValuesAndTextByTheRule()
    {
        string data = CsvFiles.Write(_directory.Path, "data.csv", "a,b,c,d\n1,true,x,\n,false,2,\n3,,y,\n");
        string output = Path.Combine(_directory.Path, "profile.json");

        CliResult result = await CliRun.RunAsync("profile", data, "-o", output, "--ignore", "d");

        Assert.True(result.ExitCode == 0, result.ToString());
        ReferenceProfile profile = await ReferenceProfile.LoadAsync(output);
        FeatureProfile a = profile.Find("a")!;
        Assert.Equal((FeatureKind.Numeric, 2L, 1L), (a.Kind, a.Count, a.MissingCount));
        FeatureProfile b = profile.Find("b")!;
        Assert.Equal((FeatureKind.Categorical, 1L), (b.Kind, b.MissingCount)); // true/false with an empty cell: categorical
        Assert.Equal(FeatureKind.Categorical, profile.Find("c")!.Kind);
        Assert.Null(profile.Find("d"));
    }

    [Fact]
    public async Task Profile_QuotedFields_AreUnescapedAndMayHoldSeparatorsAndLineBreaks()
    {
        string data = CsvFiles.Write(_directory.Path, "data.csv", "city,n\n\"Paris, FR\",1\n\"say \"\"hi\"\"\",2\n\"two\nlines\",3\n\"Paris, FR\",4\n");
        string output = Path.Combine(_directory.Path, "profile.json");

        CliResult result = await CliRun.RunAsync("profile", data, "-o", output);

        Assert.True(result.ExitCode == 0, result.ToString());
        ReferenceProfile profile = await ReferenceProfile.LoadAsync(output);
        Assert.Equal(4, profile.RowCount);
        IReadOnlyDictionary<string, long> categories = profile.Find("city")!.Categories;
        Assert.Equal(2, categories["Paris, FR"]);
        Assert.Equal(1, categories["say \"hi\""]);
        Assert.Equal(1, categories["two\nlines"]);
    }

    [Fact]
    public async Task Profile_RaggedRowAfterAMultiLineField_NamesTheLineTheRowStartsOn()
    {
        string data = CsvFiles.Write(_directory.Path, "data.csv", "city,n\n\"two\nlines\",3\nlyon\n");

        CliResult result = await CliRun.RunAsync("profile", data, "-o", Path.Combine(_directory.Path, "p.json"));

        CliRun.AssertUserError(result, 2, "data.csv:4:", "1 field(s) but the header has 2");
    }

    [Fact]
    public async Task Profile_Table_ListsTheFeatures()
    {
        string data = CsvFiles.Write(_directory.Path, "data.csv", CsvFiles.Rows(50, seed: 1));

        CliResult result = await CliRun.RunAsync("profile", data, "-o", Path.Combine(_directory.Path, "p.json"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("income", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Wrote the profile of 50 rows and 5 features", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Profile_UnknownIgnoredColumn_ExitsWithTwoAndNamesIt()
    {
        string data = CsvFiles.Write(_directory.Path, "data.csv", CsvFiles.Rows(5, seed: 1));

        CliResult result = await CliRun.RunAsync("profile", data, "-o", Path.Combine(_directory.Path, "p.json"), "--ignore", "nope");

        CliRun.AssertUserError(result, 2, "there is no column 'nope'");
    }

    [Fact]
    public async Task Profile_MissingOutput_IsAUsageErrorWithExitCodeTwo()
    {
        string data = CsvFiles.Write(_directory.Path, "data.csv", CsvFiles.Rows(5, seed: 1));

        CliResult result = await CliRun.RunAsync("profile", data);

        CliRun.AssertUserError(result, 2, "--output");
    }
}
