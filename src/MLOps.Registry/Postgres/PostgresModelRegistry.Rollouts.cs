using System.Text.Json;
using MLOps.Registry.Internal;
using MLOps.Registry.Postgres.Internal;
using Npgsql;

namespace MLOps;

/// <content>Rollouts: one row each in <c>rollouts</c> (schema version 3), the record with its decisions as <c>jsonb</c>.</content>
public sealed partial class PostgresModelRegistry
{
    private const string ActiveStates = "(0, 1, 2)";

    /// <summary>Reads a model's rollouts, newest first (see <see cref="IRegistryStore.ReadRolloutsAsync"/>).</summary>
    private Task<IReadOnlyList<Rollout>> ReadRolloutsAsync(ModelName name, string? id, bool activeOnly, CancellationToken cancellationToken) =>
        ReadAsync(
            async connection =>
            {
                using NpgsqlCommand command = Command(connection, RolloutQuery(id, activeOnly)).With(name.Value);
                if (id is not null)
                {
                    command.With(id);
                }

                return (IReadOnlyList<Rollout>)await ReadRolloutsAsync(command, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);

    private static string RolloutQuery(string? id, bool activeOnly) =>
        "SELECT rollout::text FROM __schema__.rollouts WHERE model_name = $1"
        + (id is null ? string.Empty : " AND id = $2")
        + (activeOnly ? $" AND state IN {ActiveStates}" : string.Empty)
        + " ORDER BY seq DESC";

    private static async Task<List<Rollout>> ReadRolloutsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rollouts = new List<Rollout>();
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rollouts.Add(ParseRollout(reader.GetString(0)));
            }
        }

        return rollouts;
    }

    private static Rollout ParseRollout(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<Rollout>(json, RegistryJson.Compact)
                ?? throw new ModelRegistryException(RegistryErrorCode.CorruptData, "A row of the rollouts table holds null instead of a rollout.");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or OverflowException or NotSupportedException or ArgumentException)
        {
            throw new ModelRegistryException(RegistryErrorCode.CorruptData, $"A row of the rollouts table does not hold a valid rollout ({ex.Message}).", ex);
        }
    }

    private static string RolloutJson(Rollout rollout) => JsonSerializer.Serialize(rollout, RegistryJson.Compact);

    /// <summary>The rollout statements of a unit of work (its model row is locked).</summary>
    private static class RolloutRows
    {
        public static async Task<Rollout?> ReadAsync(Mutation m, ModelName name, string? id, CancellationToken cancellationToken)
        {
            using NpgsqlCommand command = m.Command(RolloutQuery(id, activeOnly: id is null)).With(name.Value);
            if (id is not null)
            {
                command.With(id);
            }

            List<Rollout> rollouts = await ReadRolloutsAsync(command, cancellationToken).ConfigureAwait(false);
            return rollouts.Count > 0 ? rollouts[0] : null;
        }

        public static async Task InsertAsync(Mutation m, Rollout rollout, AuditEvent audit, CancellationToken cancellationToken)
        {
            using (NpgsqlCommand insert = m.Command(
                """
                INSERT INTO __schema__.rollouts (id, model_name, alias, strategy, primary_version, candidate_version, state, revision, created_at, updated_at, rollout)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                ON CONFLICT DO NOTHING
                """)
                .With(rollout.Id).With(rollout.Name.Value).With(rollout.Alias.Value).With((short)rollout.Strategy).With(rollout.Primary.Number)
                .With(rollout.Candidate.Number).With((short)rollout.State).With(rollout.Revision).With(rollout.CreatedAt).With(rollout.UpdatedAt)
                .WithJson(RolloutJson(rollout)))
            {
                // The model row lock makes this unreachable for callers of the SDK; the index decides if anything else wrote.
                if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    throw new RegistryConflictException($"Model '{rollout.Name}' already has an active rollout (or a rollout '{rollout.Id}'); a model has one active rollout at a time.");
                }
            }

            await m.AuditAsync(audit, cancellationToken).ConfigureAwait(false);
        }

        public static async Task UpdateAsync(Mutation m, Rollout rollout, AuditEvent audit, CancellationToken cancellationToken)
        {
            using (NpgsqlCommand update = m.Command(
                "UPDATE __schema__.rollouts SET candidate_version = $3, state = $4, revision = $5, updated_at = $6, rollout = $7 WHERE model_name = $1 AND id = $2")
                .With(rollout.Name.Value).With(rollout.Id).With(rollout.Candidate.Number).With((short)rollout.State).With(rollout.Revision).With(rollout.UpdatedAt)
                .WithJson(RolloutJson(rollout)))
            {
                if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
                {
                    throw NotFound($"Model '{rollout.Name}' has no rollout '{rollout.Id}'.");
                }
            }

            await m.AuditAsync(audit, cancellationToken).ConfigureAwait(false);
        }
    }
}
