using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>
/// This replica's heartbeat and the fleet view: every <see cref="PostgresFleetOptions.HeartbeatInterval"/> (and at once
/// when its leadership changes) it upserts its row of <c>fleet_replicas</c> (who it is, whether it leads, what it serves,
/// <c>last_seen = now()</c>) and deletes the rows of replicas gone for 10 expiry periods; it reads the live ones for
/// <see cref="IFleetView"/>. Expiry uses the database's clock only. On a graceful stop the row is deleted.
/// </summary>
internal sealed class PostgresFleetHeartbeat : BackgroundService, IFleetView
{
    /// <summary>How many expiry periods an expired row is kept before any replica deletes it.</summary>
    internal const int RetentionPeriods = 10;

    private readonly NpgsqlDataSource _dataSource;
    private readonly Func<CancellationToken, Task> _prepare;
    private readonly IModelCatalog _catalog;
    private readonly ILeaderElection _leadership;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _expiry;
    private readonly string _table;
    private readonly string _host = Environment.MachineName;
    private readonly int _processId = Environment.ProcessId;
    private readonly DateTimeOffset _startedAt;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly IDisposable _subscription;
    private readonly bool _enabled;
    private int _liveReplicas = -1;
    private long _beats;

    public PostgresFleetHeartbeat(
        NpgsqlDataSource dataSource,
        string schema,
        Func<CancellationToken, Task> prepare,
        PostgresFleetOptions options,
        IModelCatalog catalog,
        ILeaderElection leadership,
        TimeProvider time,
        ILogger logger)
    {
        _dataSource = dataSource;
        _prepare = prepare;
        _catalog = catalog;
        _leadership = leadership;
        _time = time;
        _logger = logger;
        _enabled = options.Heartbeats;
        _interval = options.HeartbeatInterval;
        _expiry = options.HeartbeatInterval * options.MissedHeartbeats;
        _table = PostgresSql.QuoteIdentifier(schema) + ".fleet_replicas";
        _startedAt = time.GetUtcNow();
        ReplicaId = options.ReplicaId ?? DefaultReplicaId();
        _subscription = leadership.Subscribe(_ => _wake.Writer.TryWrite(true));
    }

    public string ReplicaId { get; }

    /// <summary>Gets how many live replicas the last heartbeat counted, or -1 before the first one.</summary>
    internal int LiveReplicas => Volatile.Read(ref _liveReplicas);

    /// <summary>Gets how many heartbeats were written.</summary>
    internal long Beats => Interlocked.Read(ref _beats);

    /// <summary>Reads the live replicas; a stale pooled connection (PostgreSQL restarted) clears the pool and the read runs once more.</summary>
    public async Task<IReadOnlyList<FleetReplica>> GetReplicasAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _prepare(cancellationToken).ConfigureAwait(false);
            return await PostgresConnectionLoss.RunAsync<IReadOnlyList<FleetReplica>>(
                _dataSource,
                repeatable: true,
                async connection =>
                {
                    using var read = new NpgsqlCommand(
                        $"SELECT replica_id, host, process_id, started_at, last_seen, is_leader, models::text FROM {_table} " +
                        "WHERE last_seen >= now() - $1 ORDER BY started_at, replica_id",
                        connection);
                    read.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = _expiry });
                    var replicas = new List<FleetReplica>();
                    NpgsqlDataReader reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            replicas.Add(new FleetReplica
                            {
                                ReplicaId = reader.GetString(0),
                                Host = reader.GetString(1),
                                ProcessId = reader.GetInt32(2),
                                StartedAt = reader.GetFieldValue<DateTimeOffset>(3),
                                LastSeenAt = reader.GetFieldValue<DateTimeOffset>(4),
                                IsLeader = reader.GetBoolean(5),
                                Models = ReadModels(reader.GetString(6)),
                            });
                        }
                    }

                    return replicas;
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException)
        {
            throw new ModelRegistryException(
                RegistryErrorCode.Storage,
                $"The fleet view could not be read from {PostgresModelRegistry.DescribeServer(_dataSource)}: {ex.Message}",
                ex);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (!_enabled)
        {
            return;
        }

        try
        {
            NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var delete = new NpgsqlCommand($"DELETE FROM {_table} WHERE replica_id = $1", connection);
                delete.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ReplicaId });
                await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // Best effort: a row left behind expires like a crashed replica's.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    public override void Dispose()
    {
        _subscription.Dispose();
        base.Dispose();
    }

    /// <summary>Writes one heartbeat, deletes long-expired rows and counts the live replicas.</summary>
    internal async Task BeatAsync(CancellationToken cancellationToken)
    {
        await _prepare(cancellationToken).ConfigureAwait(false);
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var batch = new NpgsqlBatch(connection);
            await using (batch.ConfigureAwait(false))
            {
                var upsert = new NpgsqlBatchCommand(
                    $"INSERT INTO {_table} (replica_id, host, process_id, started_at, last_seen, is_leader, models) " +
                    "VALUES ($1, $2, $3, $4, now(), $5, $6::jsonb) " +
                    "ON CONFLICT (replica_id) DO UPDATE SET last_seen = now(), is_leader = EXCLUDED.is_leader, models = EXCLUDED.models");
                upsert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ReplicaId });
                upsert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _host });
                upsert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _processId });
                upsert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = _startedAt });
                upsert.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = _leadership.IsLeader });
                upsert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = WriteModels(_catalog.GetModels()) });
                var cleanup = new NpgsqlBatchCommand($"DELETE FROM {_table} WHERE last_seen < now() - $1");
                cleanup.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = _expiry * RetentionPeriods });
                var count = new NpgsqlBatchCommand($"SELECT count(*)::integer FROM {_table} WHERE last_seen >= now() - $1");
                count.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = _expiry });
                batch.BatchCommands.Add(upsert);
                if (_leadership.IsLeader)
                {
                    // The lock holder is the truth: a leader that died (kill -9) never cleared its own flag, and the view
                    // must not show it leading until its row expires.
                    var others = new NpgsqlBatchCommand($"UPDATE {_table} SET is_leader = false WHERE is_leader AND replica_id <> $1");
                    others.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ReplicaId });
                    batch.BatchCommands.Add(others);
                }

                batch.BatchCommands.Add(cleanup);
                batch.BatchCommands.Add(count);
                int live = -1;
                NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    do
                    {
                        if (reader.FieldCount > 0 && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            live = reader.GetInt32(0);
                        }
                    }
                    while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
                }

                Volatile.Write(ref _liveReplicas, live);
                Interlocked.Increment(ref _beats);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await BeatAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // One failed heartbeat must not stop the next.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                PostgresConnectionLoss.Forget(_dataSource, ex);
                Log.HeartbeatFailed(_logger, ex, ReplicaId, _interval);
            }

            using var next = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            Task delay = Task.Delay(_interval, _time, next.Token);
            Task wake = _wake.Reader.WaitToReadAsync(next.Token).AsTask();
            await Task.WhenAny(delay, wake).ConfigureAwait(false);
            await next.CancelAsync().ConfigureAwait(false);
            _wake.Reader.TryRead(out _);
        }
    }

    private static string DefaultReplicaId() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");

    internal static string WriteModels(IReadOnlyList<ServedModel> models)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (ServedModel model in models)
            {
                json.WriteStartObject();
                json.WriteString("name", model.Name.Value);
                json.WriteString("variant", model.Variant);
                if (model.Version is { } version)
                {
                    json.WriteNumber("version", version.Number);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    internal static FleetModel[] ReadModels(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        var models = new List<FleetModel>();
        foreach (JsonElement model in document.RootElement.EnumerateArray())
        {
            models.Add(new FleetModel
            {
                Name = ModelName.Parse(model.GetProperty("name").GetString()!),
                Variant = model.GetProperty("variant").GetString()!,
                Version = model.TryGetProperty("version", out JsonElement version) ? new ModelVersion(version.GetInt32()) : null,
            });
        }

        return [.. models];
    }
}
