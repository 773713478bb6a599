using System.Text;
using MLOps.Registry.Internal;
using MLOps.Registry.Postgres.Internal;
using Npgsql;

namespace MLOps;

/// <content>Aliases, promotions, approvals and the audit trail.</content>
public sealed partial class PostgresModelRegistry
{
    private const string HistoryColumns = "h.model_name, h.alias, h.revision, h.action, h.version, h.previous_version, h.actor, h.reason, h.at";

    private const string ApprovalColumns =
        "p.id, p.model_name, p.version, p.alias, p.state, p.requested_by, p.requested_at, p.reason, p.decided_by, p.decided_at, p.decision_reason";

    /// <inheritdoc/>
    public override Task<IReadOnlyList<AliasHistoryEntry>> GetAliasHistoryAsync(ModelName name, ModelAlias? alias = null, CancellationToken cancellationToken = default)
    {
        RequireName(name, nameof(name));
        return ReadAsync(
            async connection =>
            {
                using NpgsqlCommand command = alias is { } only
                    ? Command(connection, $"SELECT {HistoryColumns} FROM __schema__.alias_history h WHERE h.model_name = $1 AND h.alias = $2 ORDER BY h.id")
                        .With(name.Value).With(only.Value)
                    : Command(connection, $"SELECT {HistoryColumns} FROM __schema__.alias_history h WHERE h.model_name = $1 ORDER BY h.id").With(name.Value);
                return (IReadOnlyList<AliasHistoryEntry>)await ReadHistoryAsync(command, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public override Task<IReadOnlyList<PromotionApproval>> ListApprovalsAsync(ModelName name, CancellationToken cancellationToken = default)
    {
        RequireName(name, nameof(name));
        return ReadAsync(
            async connection =>
            {
                using NpgsqlCommand command = Command(connection, $"SELECT {ApprovalColumns} FROM __schema__.approvals p WHERE p.model_name = $1 ORDER BY p.seq").With(name.Value);
                return (IReadOnlyList<PromotionApproval>)await ReadApprovalsAsync(command, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }

    /// <summary>Reads the audit trail (the query is checked by <see cref="RegistryCore"/>).</summary>
    private Task<IReadOnlyList<AuditEvent>> ReadAuditAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        return ReadAsync(
            async connection =>
            {
                using var command = new NpgsqlCommand { Connection = connection, CommandTimeout = _commandTimeout };
                var sql = new StringBuilder("SELECT id, at, actor, action, model_name, target, before, after, reason FROM __schema__.audit_events WHERE true");
                if (query.Model is { } model)
                {
                    command.With(model.Value);
                    sql.Append(" AND model_name = $").Append(command.Parameters.Count);
                }

                if (query.Action is { } action)
                {
                    command.With(action);
                    sql.Append(" AND action = $").Append(command.Parameters.Count);
                }

                if (query.From is { } from)
                {
                    command.With(CeilingMicrosecond(from));
                    sql.Append(" AND at >= $").Append(command.Parameters.Count);
                }

                if (query.To is { } to)
                {
                    command.With(CeilingMicrosecond(to));
                    sql.Append(" AND at < $").Append(command.Parameters.Count);
                }

                // The most recent events that match, returned oldest first.
                command.With(query.Limit);
                command.CommandText = Sql(
                    $"SELECT e.at, e.actor, e.action, e.model_name, e.target, e.before, e.after, e.reason FROM ({sql} ORDER BY id DESC LIMIT ${command.Parameters.Count}) e ORDER BY e.at, e.id");
                sql.Clear();
                var events = new List<AuditEvent>();
                NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        events.Add(new AuditEvent
                        {
                            Timestamp = reader.GetFieldValue<DateTimeOffset>(0),
                            Actor = reader.GetString(1),
                            Action = reader.GetString(2),
                            Model = ModelName.Parse(reader.GetString(3)),
                            Target = reader.GetString(4),
                            Before = reader.IsDBNull(5) ? null : reader.GetString(5),
                            After = reader.IsDBNull(6) ? null : reader.GetString(6),
                            Reason = reader.IsDBNull(7) ? null : reader.GetString(7),
                        });
                    }
                }

                return (IReadOnlyList<AuditEvent>)events;
            },
            cancellationToken);
    }

    /// <summary>Reads an alias's current version (null if unassigned or removed) and revision (0 if never assigned).</summary>
    private static async Task<(int? Version, long Revision)> ReadAliasAsync(Mutation m, ModelName name, ModelAlias alias, CancellationToken cancellationToken)
    {
        using NpgsqlCommand command = m.Command("SELECT version, revision FROM __schema__.aliases WHERE model_name = $1 AND alias = $2").With(name.Value).With(alias.Value);
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? (reader.IsDBNull(0) ? null : reader.GetInt32(0), reader.GetInt64(1))
                : (null, 0);
        }
    }

    private static async Task<List<AliasHistoryEntry>> ReadHistoryAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var entries = new List<AliasHistoryEntry>();
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                entries.Add(new AliasHistoryEntry
                {
                    Name = ModelName.Parse(reader.GetString(0)),
                    Alias = ModelAlias.Parse(reader.GetString(1)),
                    Revision = reader.GetInt64(2),
                    Action = (AliasAction)reader.GetInt16(3),
                    Version = reader.IsDBNull(4) ? null : new ModelVersion(reader.GetInt32(4)),
                    PreviousVersion = reader.IsDBNull(5) ? null : new ModelVersion(reader.GetInt32(5)),
                    Actor = reader.GetString(6),
                    Reason = reader.IsDBNull(7) ? null : reader.GetString(7),
                    Timestamp = reader.GetFieldValue<DateTimeOffset>(8),
                });
            }
        }

        return entries;
    }

    private static async Task<List<PromotionApproval>> ReadApprovalsAsync(Mutation m, ModelName name, CancellationToken cancellationToken, string? id = null)
    {
        using NpgsqlCommand command = id is null
            ? m.Command($"SELECT {ApprovalColumns} FROM __schema__.approvals p WHERE p.model_name = $1 ORDER BY p.seq").With(name.Value)
            : m.Command($"SELECT {ApprovalColumns} FROM __schema__.approvals p WHERE p.model_name = $1 AND p.id = $2").With(name.Value).With(id);
        return await ReadApprovalsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<PromotionApproval>> ReadCandidateApprovalsAsync(
        Mutation m, ModelName name, ModelVersion version, ModelAlias alias, CancellationToken cancellationToken)
    {
        using NpgsqlCommand command = m.Command(
            $"SELECT {ApprovalColumns} FROM __schema__.approvals p WHERE p.model_name = $1 AND p.version = $2 AND p.alias = $3 ORDER BY p.seq")
            .With(name.Value).With(version.Number).With(alias.Value);
        return await ReadApprovalsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<PromotionApproval>> ReadApprovalsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var approvals = new List<PromotionApproval>();
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                approvals.Add(new PromotionApproval
                {
                    Id = reader.GetString(0),
                    Name = ModelName.Parse(reader.GetString(1)),
                    Version = new ModelVersion(reader.GetInt32(2)),
                    Alias = ModelAlias.Parse(reader.GetString(3)),
                    State = (ApprovalState)reader.GetInt16(4),
                    RequestedBy = reader.GetString(5),
                    RequestedAt = reader.GetFieldValue<DateTimeOffset>(6),
                    Reason = reader.IsDBNull(7) ? null : reader.GetString(7),
                    DecidedBy = reader.IsDBNull(8) ? null : reader.GetString(8),
                    DecidedAt = reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
                    DecisionReason = reader.IsDBNull(10) ? null : reader.GetString(10),
                });
            }
        }

        return approvals;
    }

    /// <summary>
    /// PostgreSQL keeps microseconds and Npgsql truncates finer times; rounding bounds up keeps <c>at &gt;= from</c> and
    /// <c>at &lt; to</c> exact for stored (microsecond) timestamps.
    /// </summary>
    private static DateTimeOffset CeilingMicrosecond(DateTimeOffset value)
    {
        long ticks = value.UtcTicks;
        long remainder = ticks % 10;
        return new DateTimeOffset(remainder == 0 ? ticks : ticks + (10 - remainder), TimeSpan.Zero);
    }
}
