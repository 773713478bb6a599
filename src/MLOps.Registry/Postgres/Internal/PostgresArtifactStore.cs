using System.Data;
using System.Security.Cryptography;
using Npgsql;
using NpgsqlTypes;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>
/// The PostgreSQL registry's default artifact store: each blob is one row of the <c>artifacts</c> table (a
/// <c>bytea</c> column, so at most 1 GB per blob, held in memory while written or read). A put is one statement, so a
/// reader sees the whole blob or none; a read checks length and SHA-256 before returning the content.
/// </summary>
internal sealed class PostgresArtifactStore(NpgsqlDataSource dataSource, string schema, int commandTimeoutSeconds) : IArtifactStore
{
    private readonly string _table = PostgresSql.QuoteIdentifier(schema) + ".artifacts";

    public async Task<ArtifactDescriptor> PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        ModelArtifact.ValidatePath(key, nameof(key));
        ArgumentNullException.ThrowIfNull(content);
        byte[] bytes;
        using (var buffer = new MemoryStream())
        {
            await content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            bytes = buffer.ToArray();
        }

        var descriptor = new ArtifactDescriptor(key, Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length);
        using NpgsqlCommand command = dataSource.CreateCommand(
            $"""
            INSERT INTO {_table} (key, content, sha256, length) VALUES ($1, $2, $3, $4)
            ON CONFLICT (key) DO UPDATE SET content = excluded.content, sha256 = excluded.sha256, length = excluded.length, created_at = now()
            """);
        command.CommandTimeout = commandTimeoutSeconds;
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = bytes, NpgsqlDbType = NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = descriptor.Sha256 });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = descriptor.Length });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return descriptor;
    }

    public async Task<Stream> OpenReadAsync(ArtifactDescriptor expected, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expected);
        using NpgsqlCommand command = dataSource.CreateCommand($"SELECT content FROM {_table} WHERE key = $1");
        command.CommandTimeout = commandTimeoutSeconds;
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = expected.Path });
        byte[]? content = null;
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow | CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                content = await reader.GetFieldValueAsync<byte[]>(0, cancellationToken).ConfigureAwait(false);
            }
        }

        if (content is null)
        {
            throw new ArtifactIntegrityException(expected.Path, "it is missing from the PostgreSQL artifact store.");
        }

        if (content.LongLength != expected.Length)
        {
            throw new ArtifactIntegrityException(expected.Path, $"its length is {content.LongLength} bytes, {expected.Length} were recorded.");
        }

        string sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
        if (!string.Equals(sha256, expected.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArtifactIntegrityException(expected.Path, $"its SHA-256 is {sha256}, {expected.Sha256} was recorded.");
        }

        return new MemoryStream(content, writable: false);
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        using NpgsqlCommand command = dataSource.CreateCommand($"SELECT EXISTS (SELECT FROM {_table} WHERE key = $1)");
        command.CommandTimeout = commandTimeoutSeconds;
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        using NpgsqlCommand command = dataSource.CreateCommand($"DELETE FROM {_table} WHERE key = $1");
        command.CommandTimeout = commandTimeoutSeconds;
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }
}
