using System.Text;
using MLOps.Registry.Internal;
using MLOps.Registry.Postgres.Internal;
using SharedLog = MLOps.Registry.Internal.Log;
using Npgsql;
using NpgsqlTypes;

namespace MLOps;

/// <content>Aliases, promotions, approvals and the audit trail.</content>
public sealed partial class PostgresModelRegistry
{
    private const string HistoryColumns = "h.model_name, h.alias, h.revision, h.action, h.version, h.previous_version, h.actor, h.reason, h.at";

    private const string ApprovalColumns =
        "p.id, p.model_name, p.version, p.alias, p.state, p.requested_by, p.requested_at, p.reason, p.decided_by, p.decided_at, p.decision_reason";

    /// <inheritdoc/>
    public async Task<AliasHistoryEntry> PromoteAsync(PromoteRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireName(request.Name, nameof(request));
        RequireVersion(request.Version, nameof(request));
        RequireAlias(request.Alias, nameof(request));
        RegistryValidation.Text(request.Reason, nameof(request));
        string actor = Actor(request.Actor);
        try
        {
            return Logged(await MutateAsync(
                async m =>
                {
                    // The model row lock serializes every alias move and approval decision of this model: the gates below
                    // are evaluated against exactly the state the move is applied to.
                    if (!await m.LockModelAsync(request.Name, cancellationToken).ConfigureAwait(false))
                    {
                        throw NotFound($"Model '{request.Name}' does not exist.");
                    }

                    RegisteredModelVersion candidate = await ReadVersionAsync(m, request.Name, request.Version, cancellationToken).ConfigureAwait(false)
                        ?? throw NotFound($"Version {request.Version} of model '{request.Name}' does not exist.");
                    if (candidate.Status != ModelVersionStatus.Ready)
                    {
                        throw InvalidState($"Version {request.Version} of model '{request.Name}' is {candidate.Status}; only ready versions can be promoted.");
                    }

                    (int? current, long revision) = await ReadAliasAsync(m, request.Name, request.Alias, cancellationToken).ConfigureAwait(false);
                    CheckRevision(request.Name, request.Alias, request.ExpectedRevision, revision);
                    if (request.Gates is { Count: > 0 } gates)
                    {
                        RegisteredModelVersion? holder = current is { } held
                            ? await ReadVersionAsync(m, request.Name, new ModelVersion(held), cancellationToken).ConfigureAwait(false)
                            : null;
                        // As documented on PromotionGateContext.Approvals (and as the file-system registry does): only the
                        // requests for this candidate version and this alias, in request order.
                        IReadOnlyList<PromotionApproval> approvals = await ReadCandidateApprovalsAsync(m, request.Name, request.Version, request.Alias, cancellationToken)
                            .ConfigureAwait(false);
                        var context = new PromotionGateContext(request.Alias, candidate, holder, approvals);
                        List<string> failures = AliasRules.EvaluateGates(gates, context);
                        if (failures.Count > 0)
                        {
                            await m.AuditAsync(
                                actor, AuditActions.PromotionRejected, request.Name, AliasTarget(request.Name, request.Alias), current?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                                request.Version.ToString(), string.Join("; ", failures), cancellationToken).ConfigureAwait(false);
                            m.ThrowAfterCommit = new PromotionRejectedException(ModelReference.ForVersion(request.Name, request.Version), request.Alias, failures);
                            return null!;
                        }
                    }

                    return await MoveAliasAsync(
                        m, request.Name, request.Alias, AliasAction.Promote, request.Version.Number, current, revision, actor, request.Reason, AuditActions.AliasPromoted, cancellationToken)
                        .ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false));
        }
        catch (PromotionRejectedException ex)
        {
            SharedLog.PromotionRejected(_logger, request.Name.Value, request.Version, request.Alias.Value, string.Join("; ", ex.Failures));
            throw;
        }
    }

    /// <inheritdoc/>
    public async Task<AliasHistoryEntry> RollbackAsync(RollbackRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireName(request.Name, nameof(request));
        RequireAlias(request.Alias, nameof(request));
        RegistryValidation.Text(request.Reason, nameof(request));
        string actor = Actor(request.Actor);
        return Logged(await MutateAsync(
            async m =>
            {
                if (!await m.LockModelAsync(request.Name, cancellationToken).ConfigureAwait(false))
                {
                    throw NotFound($"Model '{request.Name}' does not exist.");
                }

                (int? current, long revision) = await ReadAliasAsync(m, request.Name, request.Alias, cancellationToken).ConfigureAwait(false);
                if (revision == 0)
                {
                    throw NotFound($"Model '{request.Name}' has no alias '{request.Alias}'.");
                }

                CheckRevision(request.Name, request.Alias, request.ExpectedRevision, revision);
                int? previous = await RollbackTargetAsync(m, request.Name, request.Alias, cancellationToken).ConfigureAwait(false);
                if (previous is not { } target)
                {
                    throw InvalidState($"Alias '{request.Alias}' of model '{request.Name}' has no previous holder to roll back to.");
                }

                RegisteredModelVersion? version = await ReadVersionAsync(m, request.Name, new ModelVersion(target), cancellationToken).ConfigureAwait(false);
                if (version is not { Status: ModelVersionStatus.Ready })
                {
                    throw InvalidState($"Alias '{request.Alias}' of model '{request.Name}' cannot roll back to version {target}: it is {version?.Status.ToString() ?? "missing"}.");
                }

                return await MoveAliasAsync(
                    m, request.Name, request.Alias, AliasAction.Rollback, target, current, revision, actor, request.Reason, AuditActions.AliasRolledBack, cancellationToken)
                    .ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public async Task<AliasHistoryEntry> RemoveAliasAsync(RemoveAliasRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireName(request.Name, nameof(request));
        RequireAlias(request.Alias, nameof(request));
        RegistryValidation.Text(request.Reason, nameof(request));
        string actor = Actor(request.Actor);
        return Logged(await MutateAsync(
            async m =>
            {
                if (!await m.LockModelAsync(request.Name, cancellationToken).ConfigureAwait(false))
                {
                    throw NotFound($"Model '{request.Name}' does not exist.");
                }

                (int? current, long revision) = await ReadAliasAsync(m, request.Name, request.Alias, cancellationToken).ConfigureAwait(false);
                if (current is null)
                {
                    throw NotFound($"Model '{request.Name}' has no alias '{request.Alias}'.");
                }

                CheckRevision(request.Name, request.Alias, request.ExpectedRevision, revision);
                return await MoveAliasAsync(
                    m, request.Name, request.Alias, AliasAction.Remove, null, current, revision, actor, request.Reason, AuditActions.AliasRemoved, cancellationToken)
                    .ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<AliasHistoryEntry>> GetAliasHistoryAsync(ModelName name, ModelAlias? alias = null, CancellationToken cancellationToken = default)
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
    public Task<PromotionApproval> RequestApprovalAsync(ApprovalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireName(request.Name, nameof(request));
        RequireVersion(request.Version, nameof(request));
        RequireAlias(request.Alias, nameof(request));
        RegistryValidation.Text(request.Reason, nameof(request));
        string actor = Actor(request.Actor);
        return MutateAsync(
            async m =>
            {
                if (!await m.LockModelAsync(request.Name, cancellationToken).ConfigureAwait(false))
                {
                    throw NotFound($"Model '{request.Name}' does not exist.");
                }

                if (await ReadVersionAsync(m, request.Name, request.Version, cancellationToken).ConfigureAwait(false) is null)
                {
                    throw NotFound($"Version {request.Version} of model '{request.Name}' does not exist.");
                }

                var approval = new PromotionApproval
                {
                    Id = Guid.NewGuid().ToString("N"),
                    Name = request.Name,
                    Version = request.Version,
                    Alias = request.Alias,
                    State = ApprovalState.Pending,
                    RequestedBy = actor,
                    RequestedAt = m.Now,
                    Reason = request.Reason,
                };
                using (NpgsqlCommand insert = m.Command(
                    "INSERT INTO __schema__.approvals (id, model_name, version, alias, state, requested_by, requested_at, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                    .With(approval.Id).With(request.Name.Value).With(request.Version.Number).With(request.Alias.Value).With((short)ApprovalState.Pending)
                    .With(actor).With(m.Now).WithText(request.Reason))
                {
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await m.AuditAsync(actor, AuditActions.ApprovalRequested, request.Name, ApprovalTarget(approval), null, nameof(ApprovalState.Pending), request.Reason, cancellationToken)
                    .ConfigureAwait(false);
                await m.ChangedAsync(new RegistryChange(RegistryChangeKind.ApprovalChanged, request.Name, request.Version, request.Alias), cancellationToken).ConfigureAwait(false);
                return approval;
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<PromotionApproval> DecideApprovalAsync(ApprovalDecision decision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decision);
        RequireName(decision.Name, nameof(decision));
        ArgumentException.ThrowIfNullOrWhiteSpace(decision.ApprovalId, nameof(decision));
        RegistryValidation.Text(decision.Reason, nameof(decision));
        string actor = Actor(decision.Actor);
        return MutateAsync(
            async m =>
            {
                if (!await m.LockModelAsync(decision.Name, cancellationToken).ConfigureAwait(false))
                {
                    throw NotFound($"Model '{decision.Name}' does not exist.");
                }

                PromotionApproval approval = (await ReadApprovalsAsync(m, decision.Name, cancellationToken, decision.ApprovalId).ConfigureAwait(false)).FirstOrDefault()
                    ?? throw NotFound($"Model '{decision.Name}' has no approval request '{decision.ApprovalId}'.");
                if (approval.State != ApprovalState.Pending)
                {
                    throw InvalidState($"Approval request '{approval.Id}' of model '{decision.Name}' was already {approval.State.ToString().ToLowerInvariant()} by {approval.DecidedBy}.");
                }

                if (string.Equals(actor, approval.RequestedBy, StringComparison.Ordinal))
                {
                    throw InvalidState($"'{actor}' requested approval '{approval.Id}' and cannot decide it; another person must approve or reject it.");
                }

                ApprovalState state = decision.Approve ? ApprovalState.Approved : ApprovalState.Rejected;
                using (NpgsqlCommand update = m.Command(
                    "UPDATE __schema__.approvals SET state = $2, decided_by = $3, decided_at = $4, decision_reason = $5 WHERE id = $1")
                    .With(approval.Id).With((short)state).With(actor).With(m.Now).WithText(decision.Reason))
                {
                    await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await m.AuditAsync(actor, AuditActions.ApprovalDecided, decision.Name, ApprovalTarget(approval), nameof(ApprovalState.Pending), state.ToString(), decision.Reason, cancellationToken)
                    .ConfigureAwait(false);
                await m.ChangedAsync(new RegistryChange(RegistryChangeKind.ApprovalChanged, decision.Name, approval.Version, approval.Alias), cancellationToken).ConfigureAwait(false);
                return approval with { State = state, DecidedBy = actor, DecidedAt = m.Now, DecisionReason = decision.Reason };
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<PromotionApproval>> ListApprovalsAsync(ModelName name, CancellationToken cancellationToken = default)
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

    /// <inheritdoc/>
    public Task<IReadOnlyList<AuditEvent>> QueryAuditAsync(AuditQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new AuditQuery();
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
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

    private static async Task<AliasHistoryEntry> MoveAliasAsync(
        Mutation m, ModelName name, ModelAlias alias, AliasAction action, int? version, int? previous, long revision, string actor, string? reason, string auditAction,
        CancellationToken cancellationToken)
    {
        long next = revision + 1;
        using (NpgsqlCommand upsert = m.Command(
            """
            INSERT INTO __schema__.aliases (model_name, alias, version, revision, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (model_name, alias) DO UPDATE SET version = excluded.version, revision = excluded.revision, updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """)
            .With(name.Value).With(alias.Value).WithInteger(version).With(next).With(m.Now).With(actor))
        {
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        using (NpgsqlCommand history = m.Command(
            """
            INSERT INTO __schema__.alias_history (model_name, alias, revision, action, version, previous_version, actor, reason, at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """)
            .With(name.Value).With(alias.Value).With(next).With((short)action).WithInteger(version).WithInteger(previous).With(actor).WithText(reason).With(m.Now))
        {
            await history.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await m.AuditAsync(actor, auditAction, name, AliasTarget(name, alias), VersionText(previous), VersionText(version), reason, cancellationToken).ConfigureAwait(false);
        await m.ChangedAsync(
            new RegistryChange(RegistryChangeKind.AliasChanged, name, version is { } v ? new ModelVersion(v) : null, alias), cancellationToken).ConfigureAwait(false);
        return new AliasHistoryEntry
        {
            Name = name,
            Alias = alias,
            Revision = next,
            Action = action,
            Version = version is { } moved ? new ModelVersion(moved) : null,
            PreviousVersion = previous is { } before ? new ModelVersion(before) : null,
            Actor = actor,
            Reason = reason,
            Timestamp = m.Now,
        };
    }

    /// <summary>The holder a rollback returns to (the shared stack rule: a promotion or removal pushes, a rollback pops).</summary>
    private static async Task<int?> RollbackTargetAsync(Mutation m, ModelName name, ModelAlias alias, CancellationToken cancellationToken)
    {
        using NpgsqlCommand command = m.Command($"SELECT {HistoryColumns} FROM __schema__.alias_history h WHERE h.model_name = $1 AND h.alias = $2 ORDER BY h.revision")
            .With(name.Value).With(alias.Value);
        return AliasRules.RollbackTarget(await ReadHistoryAsync(command, cancellationToken).ConfigureAwait(false))?.Number;
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

    private AliasHistoryEntry Logged(AliasHistoryEntry entry)
    {
        SharedLog.AliasMoved(_logger, entry.Name.Value, entry.Alias.Value, entry.PreviousVersion, entry.Version, entry.Action, entry.Actor, entry.Reason);
        return entry;
    }

    private static void CheckRevision(ModelName name, ModelAlias alias, long? expected, long actual)
    {
        if (expected is { } wanted && wanted != actual)
        {
            throw new RegistryConflictException(
                $"Alias '{alias}' of model '{name}' is at revision {actual}, not the expected {wanted}: it was moved concurrently. Re-read it and retry.");
        }
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

    private static string AliasTarget(ModelName name, ModelAlias alias) => AliasRules.Target(name, alias);

    private static string ApprovalTarget(PromotionApproval approval) => AliasRules.ApprovalTarget(approval);

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

    private static string? VersionText(int? version) => version?.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void RequireAlias(ModelAlias alias, string paramName) => RegistryValidation.Alias(alias, paramName);
}
