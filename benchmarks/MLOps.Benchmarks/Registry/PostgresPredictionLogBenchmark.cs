using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Registry.Postgres.Internal;
using Npgsql;
using NpgsqlTypes;

namespace MLOps.Benchmarks.Registry;

/// <summary>
/// The PostgreSQL prediction log's throughput against a raw binary <c>COPY</c> of the same rows into the same
/// partitioned table: the baseline writes precomputed column values with <see cref="NpgsqlBinaryImporter"/>; the
/// compared method hands the same predictions (8 inputs each: 6 numeric, 2 categorical) to <c>AppendAsync</c> in the
/// writer's batches of 1024, as <c>PredictionLogWriter</c> does. Target: at least 0.8× the baseline's rows per second.
/// Needs the server of <c>MLOPS_TEST_POSTGRES</c> (default: the one <c>.ci/setup-postgres.sh</c> prepares); works in a
/// schema of its own, dropped at the end, and empties the table after each iteration.
/// </summary>
[MemoryDiagnoser]
public class PostgresPredictionLogBenchmark
{
    private const int BatchSize = 1024;
    private static readonly string[] Names = ["f0", "f1", "f2", "f3", "f4", "f5", "city", "plan"];
    private static readonly short[] Kinds = [0, 0, 0, 0, 0, 0, 2, 2];

    private string _schema = null!;
    private NpgsqlDataSource _dataSource = null!;
    private PostgresPredictionLog _log = null!;
    private PredictionRecord[] _records = null!;
    private double[][] _numbers = null!;
    private string?[][] _categories = null!;

    /// <summary>Gets or sets the rows written per operation.</summary>
    [Params(10_240)]
    public int Rows { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        string connectionString = Environment.GetEnvironmentVariable("MLOPS_TEST_POSTGRES") is { Length: > 0 } value
            ? value
            : "Host=127.0.0.1;Port=5432;Username=mlops;Password=mlops;Database=mlops_test";
        _schema = "bench_" + Guid.NewGuid().ToString("N")[..16];
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _log = new PostgresPredictionLog(
            _dataSource,
            new PostgresRegistryOptions { Schema = _schema },
            new PostgresPredictionLogOptions(),
            "bench-replica",
            TimeProvider.System,
            new PredictionLogMetrics(null),
            NullLogger.Instance);
        await _log.RunMaintenanceAsync();

        DateTimeOffset now = DateTimeOffset.UtcNow;
        var model = ModelName.Parse("taxi");
        _records = new PredictionRecord[Rows];
        _numbers = new double[Rows][];
        _categories = new string?[Rows][];
        for (int i = 0; i < Rows; i++)
        {
            _numbers[i] = [i, i * 0.5, i % 7, Math.Sqrt(i), double.NaN, -i, double.NaN, double.NaN];
            _categories[i] = [null, null, null, null, null, null, "city-" + (i % 50), i % 3 == 0 ? "premium" : "basic"];
            var inputs = new LoggedFeature[Names.Length];
            for (int f = 0; f < inputs.Length; f++)
            {
                inputs[f] = new LoggedFeature(Names[f], (FeatureKind)Kinds[f], _numbers[i][f], _categories[i][f]);
            }

            _records[i] = new PredictionRecord(
                PredictionId.NewId(), model, new ModelVersion(3), "primary", now.AddTicks(i * 10), i * 1.5, double.NaN, null, "segment-" + (i % 4), inputs);
        }
    }

    [IterationCleanup]
    public void Empty()
    {
        using NpgsqlCommand truncate = _dataSource.CreateCommand($"TRUNCATE \"{_schema}\".predictions");
        truncate.ExecuteNonQuery();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _log.Dispose();
        await using (NpgsqlCommand drop = _dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE"))
        {
            await drop.ExecuteNonQueryAsync();
        }

        await _dataSource.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "raw binary COPY")]
    public async Task RawCopyAsync()
    {
        for (int offset = 0; offset < Rows; offset += BatchSize)
        {
            await using NpgsqlConnection connection = await _dataSource.OpenConnectionAsync();
            await using NpgsqlBinaryImporter importer = await connection.BeginBinaryImportAsync(
                $"COPY \"{_schema}\".predictions (id, model, version, variant, replica_id, predicted_at, predicted_value, score, predicted_label, segment, " +
                "input_names, input_kinds, input_numbers, input_categories) FROM STDIN (FORMAT BINARY)");
            for (int i = offset; i < Math.Min(Rows, offset + BatchSize); i++)
            {
                PredictionRecord r = _records[i];
                await importer.StartRowAsync();
                await importer.WriteAsync(r.PredictionId.ToGuid(), NpgsqlDbType.Uuid);
                await importer.WriteAsync(r.ModelName.Value, NpgsqlDbType.Text);
                await importer.WriteAsync(r.ModelVersion.Number, NpgsqlDbType.Integer);
                await importer.WriteAsync(r.Variant, NpgsqlDbType.Text);
                await importer.WriteAsync("bench-replica", NpgsqlDbType.Text);
                await importer.WriteAsync(r.Timestamp.UtcDateTime, NpgsqlDbType.TimestampTz);
                await importer.WriteAsync(r.PredictedValue, NpgsqlDbType.Double);
                await importer.WriteNullAsync();
                await importer.WriteNullAsync();
                await importer.WriteAsync(r.Segment!, NpgsqlDbType.Text);
                await importer.WriteAsync(Names, NpgsqlDbType.Array | NpgsqlDbType.Text);
                await importer.WriteAsync(Kinds, NpgsqlDbType.Array | NpgsqlDbType.Smallint);
                await importer.WriteAsync(_numbers[i], NpgsqlDbType.Array | NpgsqlDbType.Double);
                await importer.WriteAsync(_categories[i], NpgsqlDbType.Array | NpgsqlDbType.Text);
            }

            await importer.CompleteAsync();
        }
    }

    [Benchmark(Description = "PostgresPredictionLog.AppendAsync")]
    public async Task AppendAsync()
    {
        for (int offset = 0; offset < Rows; offset += BatchSize)
        {
            await _log.AppendAsync(new ArraySegment<PredictionRecord>(_records, offset, Math.Min(BatchSize, Rows - offset)));
        }

        if (_log.HeldCount != 0)
        {
            throw new InvalidOperationException("A batch failed during the benchmark.");
        }
    }
}
