using MLOps.Cli.Tests.Support;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Profiles;
using Parquet;
using Parquet.Schema;

namespace MLOps.Cli.Tests.Data;

/// <summary><c>profile</c> and <c>drift</c> on Parquet files (written here with Parquet.Net, two row groups each).</summary>
public sealed class ParquetTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ProfileAndDrift_Parquet_TypesFromTheSchemaAndDriftDetected()
    {
        string reference = Path.Combine(_directory.Path, "reference.parquet");
        string same = Path.Combine(_directory.Path, "same.parquet");
        string shifted = Path.Combine(_directory.Path, "shifted.parquet");
        await WriteAsync(reference, seed: 1, shift: 0);
        await WriteAsync(same, seed: 2, shift: 0);
        await WriteAsync(shifted, seed: 3, shift: 1);
        string profilePath = Path.Combine(_directory.Path, "profile.json");

        CliResult profiled = await CliRun.RunAsync("profile", reference, "-o", profilePath);
        CliResult noDrift = await CliRun.RunAsync("drift", "--reference", profilePath, "--current", same, "--json");
        CliResult drift = await CliRun.RunAsync("drift", "--reference", profilePath, "--current", shifted, "--json");

        Assert.True(profiled.ExitCode == 0, profiled.ToString());
        ReferenceProfile profile = await ReferenceProfile.LoadAsync(profilePath);
        Assert.Equal(2000, profile.RowCount);
        Assert.Equal("age:Numeric visits:Numeric city:Categorical member:Boolean", string.Join(" ", profile.Features.Select(f => $"{f.Name}:{f.Kind}")));
        Assert.Equal(FeatureKind.Numeric, profile.Find("age")!.Kind);
        Assert.Equal(FeatureKind.Numeric, profile.Find("visits")!.Kind);
        Assert.Equal(FeatureKind.Categorical, profile.Find("city")!.Kind);
        Assert.Equal(FeatureKind.Boolean, profile.Find("member")!.Kind);
        Assert.Equal(100, profile.Find("age")!.MissingCount);
        Assert.True(noDrift.ExitCode == 0, noDrift.ToString());
        Assert.True(drift.ExitCode == 1, drift.ToString());
        DriftReport report = DriftReport.FromJson(drift.Stdout);
        Assert.Equal(2000, report.CurrentRows);
        Assert.True(report.Find("age")!.Drifted);
    }

    [Fact]
    public async Task Drift_ParquetColumnOfAnotherType_NamesTheColumn()
    {
        string csv = CsvFiles.Write(_directory.Path, "reference.csv", "age,city\n1,a\n2,b\n3,a\n");
        string profilePath = Path.Combine(_directory.Path, "profile.json");
        Assert.Equal(0, (await CliRun.RunAsync("profile", csv, "-o", profilePath)).ExitCode);
        string current = Path.Combine(_directory.Path, "current.parquet");
        var schema = new ParquetSchema(new DataField<string>("age"), new DataField<string>("city"));
        await using (FileStream stream = File.Create(current))
        await using (ParquetWriter writer = await ParquetWriter.CreateAsync(schema, stream))
        {
            using ParquetRowGroupWriter group = writer.CreateRowGroup();
            await group.WriteAsync(schema.DataFields[0], new[] { "x" });
            await group.WriteAsync(schema.DataFields[1], new[] { "a" });
        }

        CliResult result = await CliRun.RunAsync("drift", "--reference", profilePath, "--current", current);

        CliRun.AssertUserError(result, 2, "current.parquet", "column 'age'");
    }

    [Fact]
    public async Task Profile_ParquetBooleanWithNulls_SaysToProfileItAsCategorical()
    {
        string path = Path.Combine(_directory.Path, "flags.parquet");
        var schema = new ParquetSchema(new DataField<bool?>("member"), new DataField<int>("n"));
        await using (FileStream stream = File.Create(path))
        await using (ParquetWriter writer = await ParquetWriter.CreateAsync(schema, stream))
        {
            using ParquetRowGroupWriter group = writer.CreateRowGroup();
            await group.WriteAsync(schema.DataFields[0], (ReadOnlyMemory<bool?>)new bool?[] { true, null, false });
            await group.WriteAsync(schema.DataFields[1], (ReadOnlyMemory<int>)new[] { 1, 2, 3 });
        }

        string output = Path.Combine(_directory.Path, "profile.json");
        CliResult refused = await CliRun.RunAsync("profile", path, "-o", output);
        CliResult categorical = await CliRun.RunAsync("profile", path, "-o", output, "--categorical", "member");

        CliRun.AssertUserError(refused, 2, "flags.parquet", "column 'member'", "data row 2", "--categorical member");
        Assert.True(categorical.ExitCode == 0, categorical.ToString());
        FeatureProfile member = (await ReferenceProfile.LoadAsync(output)).Find("member")!;
        Assert.Equal((FeatureKind.Categorical, 1L, 2L), (member.Kind, member.MissingCount, member.Count));
    }

    private static async Task WriteAsync(string path, int seed, double shift)
    {
        var schema = new ParquetSchema(
            new DataField<double?>("age"),
            new DataField<int>("visits"),
            new DataField<string>("city"),
            new DataField<bool>("member"));
        var random = new Random(seed);
        await using FileStream stream = File.Create(path);
        await using ParquetWriter writer = await ParquetWriter.CreateAsync(schema, stream);
        for (int g = 0; g < 2; g++)
        {
            const int rows = 1000;
            var age = new double?[rows];
            var visits = new int[rows];
            var city = new string[rows];
            var member = new bool[rows];
            for (int i = 0; i < rows; i++)
            {
                age[i] = i % 20 == 0 ? null : 40 + (shift * 20) + (random.NextDouble() * 20);
                visits[i] = random.Next(10);
                city[i] = random.NextDouble() < 0.5 + (shift * 0.4) ? "paris" : "lyon";
                member[i] = random.NextDouble() < 0.3 + (shift * 0.5);
            }

            using ParquetRowGroupWriter group = writer.CreateRowGroup();
            await group.WriteAsync(schema.DataFields[0], (ReadOnlyMemory<double?>)age);
            await group.WriteAsync(schema.DataFields[1], (ReadOnlyMemory<int>)visits);
            await group.WriteAsync(schema.DataFields[2], city);
            await group.WriteAsync(schema.DataFields[3], (ReadOnlyMemory<bool>)member);
        }
    }
}
