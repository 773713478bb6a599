using System.Text;
using MLOps.Registry.Internal;
using MLOps.Registry.Postgres.Internal;
using Npgsql;

namespace MLOps;

/// <content>Registered models.</content>
public sealed partial class PostgresModelRegistry
{
    /// <inheritdoc/>
    public override Task<RegisteredModel?> GetModelAsync(ModelName name, CancellationToken cancellationToken = default)
    {
        RequireName(name, nameof(name));
        return ReadAsync(
            async connection =>
            {
                using NpgsqlCommand command = new NpgsqlCommand(Sql($"SELECT {ModelColumns} FROM __schema__.models m WHERE m.name = $1"), connection) { CommandTimeout = _commandTimeout }
                    .With(name.Value);
                return (await ReadModelsAsync(command, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public override Task<IReadOnlyList<RegisteredModel>> SearchModelsAsync(ModelSearchQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new ModelSearchQuery();
        return ReadAsync(
            async connection =>
            {
                var sql = new StringBuilder($"SELECT {ModelColumns} FROM __schema__.models m WHERE true");
                using var command = new NpgsqlCommand { Connection = connection, CommandTimeout = _commandTimeout };
                if (!string.IsNullOrEmpty(query.NamePrefix))
                {
                    command.With(query.NamePrefix);
                    sql.Append(" AND starts_with(m.name, $").Append(command.Parameters.Count).Append(')');
                }

                if (query.TagKey is { } tagKey)
                {
                    command.With(tagKey);
                    int key = command.Parameters.Count;
                    if (query.TagValue is { } tagValue)
                    {
                        command.With(tagValue);
                        sql.Append(" AND m.tags ->> $").Append(key).Append(" = $").Append(command.Parameters.Count);
                    }
                    else
                    {
                        sql.Append(" AND m.tags ? $").Append(key);
                    }
                }
                else if (query.TagValue is { } tagValue)
                {
                    command.With(tagValue);
                    sql.Append(" AND EXISTS (SELECT FROM jsonb_each_text(m.tags) t WHERE t.value = $").Append(command.Parameters.Count).Append(')');
                }

                if (query.Alias is { } alias)
                {
                    command.With(alias.Value);
                    sql.Append(" AND EXISTS (SELECT FROM __schema__.aliases a WHERE a.model_name = m.name AND a.alias = $")
                        .Append(command.Parameters.Count).Append(" AND a.version IS NOT NULL)");
                }

                if (query.CreatedAfter is { } createdAfter)
                {
                    command.With(createdAfter.ToUniversalTime());
                    sql.Append(" AND m.created_at > $").Append(command.Parameters.Count);
                }

                sql.Append(" ORDER BY m.name COLLATE \"C\"");
                command.CommandText = Sql(sql.ToString());
                return (IReadOnlyList<RegisteredModel>)await ReadModelsAsync(command, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }

    /// <summary>Inserts the model with its audit event unless it exists; returns whether it did.</summary>
    private static async Task<bool> InsertModelAsync(Mutation m, RegisteredModel model, AuditEvent audit, CancellationToken cancellationToken)
    {
        using (NpgsqlCommand insert = m.Command(
            """
            INSERT INTO __schema__.models (name, description, tags, created_at, updated_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (name) DO NOTHING
            """)
            .With(model.Name.Value).WithText(model.Description).WithJson(PostgresJson.Dictionary(model.Tags)).With(model.CreatedAt).With(model.UpdatedAt)
            .With(model.CreatedBy))
        {
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return false;
            }
        }

        await m.AuditAsync(audit, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static async Task<RegisteredModel?> ReadModelAsync(Mutation m, ModelName name, CancellationToken cancellationToken, bool forUpdate = false)
    {
        using NpgsqlCommand command = m.Command($"SELECT {ModelColumns} FROM __schema__.models m WHERE m.name = $1{(forUpdate ? " FOR NO KEY UPDATE OF m" : string.Empty)}")
            .With(name.Value);
        return (await ReadModelsAsync(command, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    private static async Task<List<RegisteredModel>> ReadModelsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var models = new List<RegisteredModel>();
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var aliases = new Dictionary<ModelAlias, ModelVersion>();
                foreach (KeyValuePair<string, int> alias in PostgresJson.Deserialize<Dictionary<string, int>>(reader.GetString(7)))
                {
                    aliases[ModelAlias.Parse(alias.Key)] = new ModelVersion(alias.Value);
                }

                models.Add(new RegisteredModel
                {
                    Name = ModelName.Parse(reader.GetString(0)),
                    Description = reader.IsDBNull(1) ? null : reader.GetString(1),
                    Tags = PostgresJson.Deserialize<Dictionary<string, string>>(reader.GetString(2)),
                    Aliases = aliases,
                    LatestVersion = reader.IsDBNull(8) ? null : new ModelVersion(reader.GetInt32(8)),
                    CreatedAt = reader.GetFieldValue<DateTimeOffset>(4),
                    UpdatedAt = reader.GetFieldValue<DateTimeOffset>(5),
                    CreatedBy = reader.GetString(6),
                });
            }
        }

        return models;
    }

    private static void RequireName(ModelName name, string paramName) => RegistryValidation.Name(name, paramName);
}
