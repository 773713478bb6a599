using System.Diagnostics;
using Microsoft.Extensions.Logging;
using MLOps.Monitoring.Quality.Feedback;
using Npgsql;
using NpgsqlTypes;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>
/// The prediction log, ground-truth store and batch reader on PostgreSQL: one row per prediction in the time-partitioned
/// <c>predictions</c> table, written by binary <c>COPY</c>; feedback in <c>feedback</c>, first one wins.
/// </summary>
/// <remarks>
/// <para>
/// Outage: <see cref="AppendAsync"/> never throws for a failed write (only for a cancellation). The failed batch is
/// copied and held for one retry, made just before the next batch; if that retry fails too, its rows are given up and
/// counted in <c>mlops.prediction_log.abandoned</c>. So at most one batch is held (bounded memory), the writer's queue
/// keeps draining during an outage (rows that do not fit are counted by it in <c>mlops.prediction_log.dropped</c>), and
/// once PostgreSQL is back the held batch and the queue are written. A failure is logged once per outage (event 270),
/// the recovery once (272). A batch whose commit was acknowledged to the server but not to us is written again by
/// its retry: in that rare case a prediction is stored twice, which lookups and joins tolerate.
/// </para>
/// </remarks>
internal sealed partial class PostgresPredictionLog : IPredictionLog, IPredictionLogReader, IFeedbackLog, IDisposable
{
    internal const string LoggerCategory = "MLOps.Registry.PredictionLog";

    private const string Columns =
        "id, model, version, variant, replica_id, predicted_at, predicted_value, score, predicted_label, segment, " +
        "input_names, input_kinds, input_numbers, input_categories";

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _schema;
    private readonly string _quotedSchema;
    private readonly Func<CancellationToken, Task> _prepare;
    private readonly PostgresPredictionLogOptions _options;
    private readonly TimeProvider _time;
    private readonly PredictionLogMetrics _metrics;
    private readonly ILogger _logger;
    private readonly int _commandTimeout;
    private readonly string _copySql;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly List<PredictionRecord> _held = [];
    private readonly HashSet<long> _missingSlots = [];
    private readonly List<string?> _names = [];
    private readonly List<short> _kinds = [];
    private readonly List<double> _numbers = [];
    private readonly List<string?> _categories = [];
    private bool _failing;
    private long _abandonedInOutage;
    private long _pagesFetched;

    public PostgresPredictionLog(
        NpgsqlDataSource dataSource,
        PostgresRegistryOptions registry,
        PostgresPredictionLogOptions options,
        string replicaId,
        TimeProvider time,
        PredictionLogMetrics metrics,
        ILogger logger)
    {
        _dataSource = dataSource;
        _schema = registry.Schema;
        _quotedSchema = PostgresSql.QuoteIdentifier(registry.Schema);
        _options = options;
        ReplicaId = replicaId;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _commandTimeout = (int)Math.Ceiling(registry.CommandTimeout.TotalSeconds);
        var migrator = new PostgresSchemaMigrator(dataSource, registry.Schema, logger);
        bool migrate = registry.MigrateOnStart;
        _prepare = token => migrator.EnsurePreparedAsync(migrate, "prediction log", token);
        Partitions = new PredictionPartitions(registry.Schema, options.PartitionInterval, logger);
        _copySql = $"COPY {_quotedSchema}.predictions ({Columns}) FROM STDIN (FORMAT BINARY)";
    }

    /// <summary>Gets the replica id written with every prediction and feedback of this process.</summary>
    public string ReplicaId { get; }

    /// <summary>Gets the schema holding the tables.</summary>
    public string Schema => _schema;

    internal PredictionPartitions Partitions { get; }

    /// <summary>Gets how many rows are held for their retry (for tests).</summary>
    internal int HeldCount => _held.Count;

    /// <summary>Gets how many pages <see cref="ReadAsync"/> fetched from its cursors (for tests).</summary>
    internal long PagesFetched => Interlocked.Read(ref _pagesFetched);

    /// <summary>Gets or sets how many rows <see cref="ReadAsync"/> fetches per round trip.</summary>
    internal int ReadPageSize { get; set; } = 1000;

    /// <summary>Counts a batch still held for its retry as given up (the process is ending), then releases the lock.</summary>
    public void Dispose()
    {
        if (_held.Count > 0)
        {
            _metrics.RecordAbandoned(_held.Count);
            Log.PredictionLogWriteFailedAgain(_logger, _held.Count, "the log was disposed before the held batch's retry");
            _held.Clear();
        }

        _writeLock.Dispose();
    }

    /// <summary>Makes the retry of a held batch now (at shutdown, when no next batch may come); a failure gives it up.</summary>
    public ValueTask FlushAsync(CancellationToken cancellationToken = default) => AppendAsync([], cancellationToken);

    /// <summary>Migrates or verifies the schema once (shared with the registry's migrations).</summary>
    public Task EnsurePreparedAsync(CancellationToken cancellationToken = default) => _prepare(cancellationToken);

    /// <inheritdoc/>
    public async ValueTask AppendAsync(IReadOnlyList<PredictionRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_held.Count > 0)
            {
                // The held batch's one retry, before the new rows so the log stays in prediction order.
                if (await TryWriteAsync(_held, cancellationToken).ConfigureAwait(false) is { } error)
                {
                    _metrics.RecordAbandoned(_held.Count);
                    _abandonedInOutage += _held.Count;
                    Log.PredictionLogWriteFailedAgain(_logger, _held.Count, error.Message);
                }
                else
                {
                    Recovered();
                }

                _held.Clear();
            }

            if (records.Count == 0)
            {
                return;
            }

            if (await TryWriteAsync(records, cancellationToken).ConfigureAwait(false) is { } failure)
            {
                // The list is the writer's, reused after we return: keep a copy for the retry.
                for (int i = 0; i < records.Count; i++)
                {
                    _held.Add(records[i]);
                }

                if (!_failing)
                {
                    _failing = true;
                    Log.PredictionLogWriteFailed(_logger, failure, records.Count);
                }
                else
                {
                    Log.PredictionLogWriteFailedAgain(_logger, records.Count, failure.Message);
                }
            }
            else
            {
                Recovered();
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void Recovered()
    {
        if (_failing)
        {
            _failing = false;
            Log.PredictionLogWritesResumed(_logger, _abandonedInOutage);
            _abandonedInOutage = 0;
        }
    }

    /// <summary>Writes the rows in one binary COPY; returns the failure, or <see langword="null"/> when they are stored.</summary>
    private async Task<Exception?> TryWriteAsync(IReadOnlyList<PredictionRecord> records, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        try
        {
            await _prepare(cancellationToken).ConfigureAwait(false);
            NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await EnsurePartitionsAsync(connection, records, cancellationToken).ConfigureAwait(false);
                await CopyAsync(connection, records, cancellationToken).ConfigureAwait(false);
            }

            _metrics.RecordBatch(records.Count, Stopwatch.GetElapsedTime(start).TotalSeconds, success: true);
            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Any failure (connection, permission, a dropped partition) is held for a retry or counted, never thrown at the writer.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            PostgresConnectionLoss.Forget(_dataSource, ex);   // a restart's stale pooled connections: the retry gets a fresh one
            if (ex is PostgresException { SqlState: PostgresErrorCodes.CheckViolation or PostgresErrorCodes.UndefinedTable })
            {
                // "no partition of relation found for row": another replica dropped a partition we knew; re-read on retry.
                Partitions.Invalidate();
            }

            _metrics.RecordBatch(records.Count, Stopwatch.GetElapsedTime(start).TotalSeconds, success: false);
            return ex;
        }
    }

    private async Task EnsurePartitionsAsync(NpgsqlConnection connection, IReadOnlyList<PredictionRecord> records, CancellationToken cancellationToken)
    {
        _missingSlots.Clear();
        for (int i = 0; i < records.Count; i++)
        {
            long ticks = records[i].Timestamp.UtcTicks;
            if (!Partitions.IsCovered(ticks))
            {
                _missingSlots.Add(Partitions.SlotOf(ticks));
            }
        }

        if (_missingSlots.Count > 0)
        {
            await Partitions.EnsureAsync(connection, _missingSlots, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CopyAsync(NpgsqlConnection connection, IReadOnlyList<PredictionRecord> records, CancellationToken cancellationToken)
    {
        NpgsqlBinaryImporter importer = await connection.BeginBinaryImportAsync(_copySql, cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            importer.Timeout = TimeSpan.FromSeconds(_commandTimeout);
            string replica = ReplicaId;
            for (int i = 0; i < records.Count; i++)
            {
                PredictionRecord record = records[i];
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(record.PredictionId.ToGuid(), NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(PostgresText.Clean(record.ModelName.Value)!, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(record.ModelVersion.Number, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(PostgresText.Clean(record.Variant ?? string.Empty)!, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(replica, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(record.Timestamp.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await WriteNumberAsync(importer, record.PredictedValue, cancellationToken).ConfigureAwait(false);
                await WriteNumberAsync(importer, record.Score, cancellationToken).ConfigureAwait(false);
                await WriteTextAsync(importer, record.PredictedLabel, cancellationToken).ConfigureAwait(false);
                await WriteTextAsync(importer, record.Segment, cancellationToken).ConfigureAwait(false);
                await WriteInputsAsync(importer, record.Inputs, cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static Task WriteNumberAsync(NpgsqlBinaryImporter importer, double value, CancellationToken cancellationToken) =>
        double.IsNaN(value) ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, NpgsqlDbType.Double, cancellationToken);

    private static Task WriteTextAsync(NpgsqlBinaryImporter importer, string? value, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(PostgresText.Clean(value)!, NpgsqlDbType.Text, cancellationToken);

    private async Task WriteInputsAsync(NpgsqlBinaryImporter importer, IReadOnlyList<LoggedFeature>? inputs, CancellationToken cancellationToken)
    {
        if (inputs is null)
        {
            for (int i = 0; i < 4; i++)
            {
                await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        // One set of lists reused for every row: the importer copies each value into its buffer before WriteAsync returns.
        _names.Clear();
        _kinds.Clear();
        _numbers.Clear();
        _categories.Clear();
        for (int i = 0; i < inputs.Count; i++)
        {
            LoggedFeature feature = inputs[i];
            _names.Add(PostgresText.Clean(feature.Name ?? string.Empty));
            _kinds.Add((short)feature.Kind);
            _numbers.Add(feature.Number);
            _categories.Add(PostgresText.Clean(feature.Category));
        }

        await importer.WriteAsync(_names, NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(_kinds, NpgsqlDbType.Array | NpgsqlDbType.Smallint, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(_numbers, NpgsqlDbType.Array | NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
        await importer.WriteAsync(_categories, NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
    }
}
