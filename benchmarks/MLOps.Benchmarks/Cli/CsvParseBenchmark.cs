using System.Globalization;
using BenchmarkDotNet.Attributes;
using CsvHelper;
using MLOps.Cli.Data;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Profiles;
using nietras.SeparatedValues;

namespace MLOps.Benchmarks.Cli;

/// <summary>
/// Which CSV reader <c>mlops</c> uses, and what drift costs over parsing: one pass over a generated CSV of
/// <see cref="Rows"/> rows × 20 columns (16 numbers, 2 categories, 2 booleans), parsing every field to its type, with
/// Sep (baseline) and CsvHelper 34; then the tool's own reader (<c>mlops drift --parse-only</c>) and the whole drift
/// comparison (<c>mlops drift</c> without writing the report), with its reader on a second thread as the tool runs it
/// and on one thread.
/// </summary>
[MemoryDiagnoser]
public class CsvParseBenchmark
{
    private string _path = "";
    private ReferenceProfile _profile = null!;
    private List<ColumnSpec> _columns = [];

    [Params(100_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), $"mlops-csv-bench-{Rows}.csv");
        Write(_path, Rows);
        using CsvSource source = CsvSource.Open(_path, ',');
        _columns = [.. source.ColumnNames.Select((n, i) => new ColumnSpec(n, i, i < 16 ? ColumnType.Number : i < 18 ? ColumnType.Text : ColumnType.Boolean))];
        _profile = ReferenceProfile.Create(new TableDataView(_path, _columns, booleanAsNumber: false, () => source.Read(_columns)));
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    [Benchmark(Baseline = true)]
    public double Sep()
    {
        double sum = 0;
        using SepReader reader = nietras.SeparatedValues.Sep.New(',').Reader(o => o with { Unescape = true }).FromFile(_path);
        foreach (SepReader.Row row in reader)
        {
            for (int c = 0; c < 16; c++)
            {
                sum += row[c].Parse<double>();
            }

            sum += row[16].ToString().Length + row[17].ToString().Length;
            sum += (bool.Parse(row[18].Span) ? 1 : 0) + (bool.Parse(row[19].Span) ? 1 : 0);
        }

        return sum;
    }

    [Benchmark]
    public double CsvHelper()
    {
        double sum = 0;
        using CsvReader reader = CsvReader.FromFile(_path, CsvReaderOptions.Default, FileOptions.SequentialScan);
        while (reader.Read())
        {
            for (int c = 0; c < 16; c++)
            {
                sum += reader.Parse<double>(c, CultureInfo.InvariantCulture);
            }

            sum += reader.GetString(16).Length + reader.GetString(17).Length;
            sum += (reader.Parse<bool>(18) ? 1 : 0) + (reader.Parse<bool>(19) ? 1 : 0);
        }

        return sum;
    }

    [Benchmark]
    public long MlopsParseOnly()
    {
        long rows = 0;
        using CsvSource source = CsvSource.Open(_path, ',');
        foreach (RowBlock block in source.Read(_columns))
        {
            rows += block.Count;
        }

        return rows;
    }

    /// <summary>What <c>mlops drift</c> runs: the reader on a second thread (<see cref="ReadAhead"/>).</summary>
    [Benchmark]
    public long MlopsDrift()
    {
        using CsvSource source = CsvSource.Open(_path, ',');
        DriftReport report = DriftDetector.Compare(_profile, new TableDataView(_path, _columns, booleanAsNumber: true, () => ReadAhead.Run(source.Read(_columns))));
        return report.CurrentRows;
    }

    /// <summary>The same on one thread: the cost of the statistics when no second core is free.</summary>
    [Benchmark]
    public long MlopsDriftOneThread()
    {
        using CsvSource source = CsvSource.Open(_path, ',');
        DriftReport report = DriftDetector.Compare(_profile, new TableDataView(_path, _columns, booleanAsNumber: true, () => source.Read(_columns)));
        return report.CurrentRows;
    }

    /// <summary>The same shape as tools/cli/generate_csv.py, generated here so the benchmark needs no file.</summary>
    internal static void Write(string path, int rows)
    {
        var random = new Random(1);
        string[] cities = ["paris", "lyon", "nantes", "lille", "nice", "rennes", "brest", "metz"];
        string[] payments = ["card", "cash", "app"];
        using var writer = new StreamWriter(path);
        writer.WriteLine(string.Join(',', Enumerable.Range(0, 16).Select(i => $"x{i}").Concat(["city", "payment", "airport", "night"])));
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < 16; i++)
            {
                double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
                double gauss = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                writer.Write((i + (gauss * (1 + (i / 8.0)))).ToString("G6", CultureInfo.InvariantCulture));
                writer.Write(',');
            }

            writer.Write(cities[random.Next(cities.Length)]);
            writer.Write(',');
            writer.Write(payments[random.Next(payments.Length)]);
            writer.Write(random.NextDouble() < 0.2 ? ",true" : ",false");
            writer.WriteLine(random.NextDouble() < 0.3 ? ",true" : ",false");
        }
    }
}
