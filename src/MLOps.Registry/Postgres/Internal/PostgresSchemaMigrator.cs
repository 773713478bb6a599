using System.Data;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>
/// Brings the registry's schema to <see cref="PostgresMigration.LatestVersion"/>. Every migration runs in one
/// transaction holding a transaction-scoped advisory lock keyed by the schema name, so replicas that start at the same
/// time migrate exactly once: the first takes the lock and migrates, the others wait, then find nothing left to do.
/// </summary>
internal sealed class PostgresSchemaMigrator(NpgsqlDataSource dataSource, string schema, ILogger logger)
{
    /// <summary>The first key of the advisory lock (<c>'MLOP'</c>); the second is <c>hashtext(schema)</c>.</summary>
    internal const int AdvisoryLockClassId = 0x4D4C4F50;

    private readonly string _quotedSchema = PostgresSql.QuoteIdentifier(schema);
    private readonly Lock _prepareLock = new();
    private Task? _prepared;

    /// <summary>Migrates the schema (creating it if needed) and returns the version found and the version left.</summary>
    /// <exception cref="UnsupportedRegistrySchemaException">The schema was written by a newer version of the SDK.</exception>
    public Task<(int From, int To)> MigrateAsync(CancellationToken cancellationToken = default) =>
        MigrateAsync(PostgresMigration.LatestVersion, cancellationToken);

    /// <summary>
    /// Migrates the schema up to <paramref name="targetVersion"/> only (tests use it to build a database as an older
    /// release of the SDK left it); a schema already past it is left as it is.
    /// </summary>
    internal async Task<(int From, int To)> MigrateAsync(int targetVersion, CancellationToken cancellationToken = default)
    {
        // Repeatable: one transaction; a lost connection rolled it back, and after a lost commit answer the second
        // attempt finds the migrations applied.
        return await PostgresConnectionLoss.RunAsync<(int From, int To)>(
            dataSource,
            repeatable: true,
            async connection =>
            {
                NpgsqlTransaction transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1, hashtext($2))", connection, transaction))
                    {
                        lockCommand.Parameters.Add(new NpgsqlParameter<int> { TypedValue = AdvisoryLockClassId });
                        lockCommand.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schema });
                        await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    // Under the lock: nobody else creates the schema or the version table concurrently. The schema is created
                    // only when missing, so a role without CREATE on the database can use a schema an administrator made.
                    using (var create = new NpgsqlCommand(
                        $"""
                        DO $do$ BEGIN
                          IF NOT EXISTS (SELECT FROM pg_namespace WHERE nspname = {PostgresSql.QuoteLiteral(schema)}) THEN
                            CREATE SCHEMA {_quotedSchema};
                          END IF;
                        END $do$;
                        CREATE TABLE IF NOT EXISTS {_quotedSchema}.mlops_schema_version (
                          version    integer PRIMARY KEY,
                          name       text NOT NULL,
                          checksum   text NOT NULL,
                          applied_at timestamptz NOT NULL DEFAULT now(),
                          applied_by text NOT NULL DEFAULT current_user
                        );
                        """,
                        connection,
                        transaction))
                    {
                        await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    HashSet<int> applied = await ReadAppliedAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                    int current = applied.Count == 0 ? 0 : applied.Max();
                    int latest = PostgresMigration.LatestVersion;
                    if (current > latest)
                    {
                        throw UnsupportedSchema(current, latest);
                    }

                    bool migrated = false;
                    foreach (PostgresMigration migration in PostgresMigration.All)
                    {
                        // Set-based, not "above the highest": a migration whose number was skipped by an earlier build (a gap)
                        // is applied when it lands.
                        if (applied.Contains(migration.Version) || migration.Version > targetVersion)
                        {
                            continue;
                        }

                        migrated = true;

                        using (var script = new NpgsqlCommand(migration.ScriptFor(_quotedSchema), connection, transaction))
                        {
                            await script.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                        }

                        using (var record = new NpgsqlCommand(
                            $"INSERT INTO {_quotedSchema}.mlops_schema_version (version, name, checksum) VALUES ($1, $2, $3)", connection, transaction))
                        {
                            record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = migration.Version });
                            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migration.Name });
                            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migration.Checksum });
                            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                        }

                        Log.MigrationApplied(logger, schema, migration.Version, migration.Name);
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    if (!migrated)
                    {
                        Log.SchemaUpToDate(logger, schema, current);
                    }

                    return (current, Math.Max(current, targetVersion));
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs <see cref="PrepareAsync"/> once; a failed or cancelled attempt is retried by the next call.</summary>
    public Task EnsurePreparedAsync(bool migrate, string owner, CancellationToken cancellationToken = default)
    {
        Task? prepared = Volatile.Read(ref _prepared);
        if (prepared is { IsCompletedSuccessfully: true })
        {
            return Task.CompletedTask;
        }

        lock (_prepareLock)
        {
            if (_prepared is null || _prepared.IsFaulted || _prepared.IsCanceled)
            {
                _prepared = PrepareAsync(migrate, owner);
            }

            prepared = _prepared;
        }

        return prepared.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Migrates (<paramref name="migrate"/>) or verifies the schema at startup; a connection or I/O failure becomes a
    /// <see cref="ModelRegistryException"/> with <see cref="RegistryErrorCode.Storage"/> naming the server (never the password).
    /// </summary>
    /// <param name="migrate">Whether to migrate (the options' <c>MigrateOnStart</c>) or only verify.</param>
    /// <param name="owner">What is starting, for the message: <c>registry</c> or <c>tracker</c>.</param>
    public async Task PrepareAsync(bool migrate, string owner)
    {
        try
        {
            if (migrate)
            {
                await MigrateAsync(CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await VerifyAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException)
        {
            throw new ModelRegistryException(
                RegistryErrorCode.Storage,
                $"The PostgreSQL {owner} could not prepare schema '{schema}' on {PostgresModelRegistry.DescribeServer(dataSource)}: {ex.Message}",
                ex);
        }
    }

    /// <summary>Checks, without changing anything, that the schema is at exactly the version this SDK understands.</summary>
    /// <exception cref="UnsupportedRegistrySchemaException">The schema is missing, older or newer.</exception>
    public async Task VerifyAsync(CancellationToken cancellationToken = default)
    {
        await PostgresConnectionLoss.RunAsync(
            dataSource,
            repeatable: true,
            async connection =>
            {
                using var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection);
                exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _quotedSchema + ".mlops_schema_version" });
                bool hasTable = (bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                HashSet<int> applied = hasTable ? await ReadAppliedAsync(connection, null, cancellationToken).ConfigureAwait(false) : [];
                int current = applied.Count == 0 ? 0 : applied.Max();
                int latest = PostgresMigration.LatestVersion;
                if (current > latest)
                {
                    throw UnsupportedSchema(current, latest);
                }

                if (PostgresMigration.All.Any(m => !applied.Contains(m.Version)))
                {
                    throw new UnsupportedRegistrySchemaException(
                        $"The PostgreSQL registry schema '{schema}' is at version {current} but this version of MLOps needs version {latest}, " +
                        $"and automatic migration is off ({nameof(PostgresRegistryOptions)}.{nameof(PostgresRegistryOptions.MigrateOnStart)} = false). " +
                        "Start one instance with migration on, or apply the scripts of MLOps.Registry's Postgres/Migrations folder.");
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<HashSet<int>> ReadAppliedAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        using var read = new NpgsqlCommand($"SELECT version FROM {_quotedSchema}.mlops_schema_version", connection, transaction);
        var applied = new HashSet<int>();
        NpgsqlDataReader reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        return applied;
    }

    private static UnsupportedRegistrySchemaException UnsupportedSchema(int current, int latest) => new(current, latest);
}
