using MLOps.Registry.Internal;
using MLOps.Registry.Postgres.Internal;
using Npgsql;
using NpgsqlTypes;

namespace MLOps;

public sealed partial class PostgresModelRegistry
{
    /// <summary>The database as the store of <see cref="RegistryCore"/>: a unit of work is one transaction holding the model's row lock.</summary>
    private sealed class Store(PostgresModelRegistry registry) : IRegistryStore
    {
        public Task<T> WriteModelAsync<T>(ModelName name, string operation, Func<IRegistryUnitOfWork, Task<T>> work, CancellationToken cancellationToken) =>
            registry.MutateAsync(
                async m =>
                {
                    // The model row lock serializes every alias move and approval decision of this model: the rules are
                    // checked against exactly the state the change is applied to.
                    if (!await m.LockModelAsync(name, cancellationToken).ConfigureAwait(false))
                    {
                        throw NotFound($"Model '{name}' does not exist.");
                    }

                    return await work(new UnitOfWork(m, name)).ConfigureAwait(false);
                },
                cancellationToken);

        public Task<T> CreateModelAsync<T>(string operation, Func<IRegistryCreation, Task<T>> work, CancellationToken cancellationToken) =>
            registry.MutateAsync(m => work(new Creation(m)), cancellationToken);

        public Task<RegisteredModelVersion> RegisterAsync(VersionDraft draft, CancellationToken cancellationToken) =>
            registry.RegisterAsync(draft, cancellationToken);

        public Task<IReadOnlyList<AuditEvent>> ReadAuditAsync(AuditQuery query, CancellationToken cancellationToken) =>
            registry.ReadAuditAsync(query, cancellationToken);

        public Task<RegisteredModelVersion?> ReadVersionAsync(ModelName name, ModelVersion version, CancellationToken cancellationToken) =>
            registry.GetVersionAsync(name, version, cancellationToken);

        public Task<ArtifactDescriptor> PutProfileAsync(ModelName name, ModelVersion version, ReferenceProfileBlob profile, CancellationToken cancellationToken) =>
            registry.PutProfileAsync(name, profile, cancellationToken);

        public Task DeleteProfileAsync(ModelName name, ModelVersion version, ArtifactDescriptor profile) =>
            registry.DeleteUploadsAsync(name, [profile.Path], null);

        public Task<IReadOnlyList<Rollout>> ReadRolloutsAsync(ModelName name, string? id, bool activeOnly, CancellationToken cancellationToken) =>
            registry.ReadRolloutsAsync(name, id, activeOnly, cancellationToken);
    }

    /// <summary>One transaction that may insert a model (<c>ON CONFLICT DO NOTHING</c> decides a race).</summary>
    private sealed class Creation(Mutation m) : IRegistryCreation
    {
        public DateTimeOffset Now => m.Now;

        public Task<bool> InsertModelAsync(RegisteredModel model, AuditEvent audit, CancellationToken cancellationToken) =>
            PostgresModelRegistry.InsertModelAsync(m, model, audit, cancellationToken);

        public Task ChangedAsync(RegistryChange change, CancellationToken cancellationToken) => m.ChangedAsync(change, cancellationToken);
    }

    /// <summary>One transaction over one locked model.</summary>
    private sealed class UnitOfWork(Mutation m, ModelName name) : IRegistryUnitOfWork
    {
        public ModelName Name => name;

        public DateTimeOffset Now => m.Now;

        public async Task<RegisteredModel> ReadModelAsync(CancellationToken cancellationToken) =>
            await PostgresModelRegistry.ReadModelAsync(m, name, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The locked model disappeared.");

        public async Task<RegisteredModel> UpdateModelAsync(RegisteredModel model, AuditEvent audit, CancellationToken cancellationToken)
        {
            using (NpgsqlCommand update = m.Command("UPDATE __schema__.models SET description = $2, tags = $3, updated_at = $4 WHERE name = $1")
                .With(name.Value).WithText(model.Description).WithJson(PostgresJson.Dictionary(model.Tags)).With(model.UpdatedAt))
            {
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await m.AuditAsync(audit, cancellationToken).ConfigureAwait(false);
            return await PostgresModelRegistry.ReadModelAsync(m, name, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The updated model disappeared.");
        }

        public Task<RegisteredModelVersion?> ReadVersionAsync(ModelVersion version, CancellationToken cancellationToken) =>
            PostgresModelRegistry.ReadVersionAsync(m, name, version, cancellationToken);

        public async Task<RegisteredModelVersion> UpdateVersionAsync(RegisteredModelVersion version, AuditEvent audit, CancellationToken cancellationToken)
        {
            using (NpgsqlCommand update = m.Command(
                """
                UPDATE __schema__.model_versions SET description = $3, tags = $4, metrics = $5, params = $6, profile_key = $7, profile_sha256 = $8,
                  profile_length = $9, profile_content_type = $10, updated_at = $11, feature_importance = $12
                WHERE model_name = $1 AND version = $2
                """)
                .With(name.Value).With(version.Version.Number).WithText(version.Description).WithJson(PostgresJson.Dictionary(version.Tags))
                .WithJson(PostgresJson.Dictionary(version.Metrics)).WithJson(PostgresJson.Dictionary(version.Params))
                .WithText(version.ReferenceProfile?.Path).WithText(version.ReferenceProfile?.Sha256).WithNullable(version.ReferenceProfile?.Length, NpgsqlDbType.Bigint)
                .WithText(version.ReferenceProfileContentType).With(version.UpdatedAt)
                .WithJson(PostgresJson.FeatureImportance(version.FeatureImportance)))
            {
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await m.AuditAsync(audit, cancellationToken).ConfigureAwait(false);
            return await PostgresModelRegistry.ReadVersionAsync(m, name, version.Version, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("The updated version disappeared.");
        }

        public async Task<AliasState> ReadAliasAsync(ModelAlias alias, CancellationToken cancellationToken)
        {
            (int? holder, long revision) = await PostgresModelRegistry.ReadAliasAsync(m, name, alias, cancellationToken).ConfigureAwait(false);
            return new AliasState(holder is { } held ? new ModelVersion(held) : null, revision);
        }

        public async Task<IReadOnlyList<AliasHistoryEntry>> ReadAliasHistoryAsync(ModelAlias alias, CancellationToken cancellationToken)
        {
            using NpgsqlCommand command = m.Command($"SELECT {HistoryColumns} FROM __schema__.alias_history h WHERE h.model_name = $1 AND h.alias = $2 ORDER BY h.revision")
                .With(name.Value).With(alias.Value);
            return await ReadHistoryAsync(command, cancellationToken).ConfigureAwait(false);
        }

        public async Task<IReadOnlyList<PromotionApproval>> ReadApprovalsAsync(ModelVersion version, ModelAlias alias, CancellationToken cancellationToken) =>
            await ReadCandidateApprovalsAsync(m, name, version, alias, cancellationToken).ConfigureAwait(false);

        public async Task MoveAliasAsync(AliasHistoryEntry entry, AuditEvent audit, CancellationToken cancellationToken)
        {
            using (NpgsqlCommand upsert = m.Command(
                """
                INSERT INTO __schema__.aliases (model_name, alias, version, revision, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (model_name, alias) DO UPDATE SET version = excluded.version, revision = excluded.revision, updated_at = excluded.updated_at, updated_by = excluded.updated_by
                """)
                .With(name.Value).With(entry.Alias.Value).WithInteger(entry.Version?.Number).With(entry.Revision).With(entry.Timestamp).With(entry.Actor))
            {
                await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            using (NpgsqlCommand history = m.Command(
                """
                INSERT INTO __schema__.alias_history (model_name, alias, revision, action, version, previous_version, actor, reason, at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                """)
                .With(name.Value).With(entry.Alias.Value).With(entry.Revision).With((short)entry.Action).WithInteger(entry.Version?.Number)
                .WithInteger(entry.PreviousVersion?.Number).With(entry.Actor).WithText(entry.Reason).With(entry.Timestamp))
            {
                await history.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await m.AuditAsync(audit, cancellationToken).ConfigureAwait(false);
        }

        public async Task<PromotionApproval?> ReadApprovalAsync(string id, CancellationToken cancellationToken) =>
            (await PostgresModelRegistry.ReadApprovalsAsync(m, name, cancellationToken, id).ConfigureAwait(false)).FirstOrDefault();

        public async Task AddApprovalAsync(PromotionApproval approval, AuditEvent audit, CancellationToken cancellationToken)
        {
            using (NpgsqlCommand insert = m.Command(
                "INSERT INTO __schema__.approvals (id, model_name, version, alias, state, requested_by, requested_at, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .With(approval.Id).With(name.Value).With(approval.Version.Number).With(approval.Alias.Value).With((short)approval.State)
                .With(approval.RequestedBy).With(approval.RequestedAt).WithText(approval.Reason))
            {
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await m.AuditAsync(audit, cancellationToken).ConfigureAwait(false);
        }

        public async Task UpdateApprovalAsync(PromotionApproval approval, AuditEvent audit, CancellationToken cancellationToken)
        {
            using (NpgsqlCommand update = m.Command(
                "UPDATE __schema__.approvals SET state = $2, decided_by = $3, decided_at = $4, decision_reason = $5 WHERE id = $1")
                .With(approval.Id).With((short)approval.State).With(approval.DecidedBy!).With(approval.DecidedAt!.Value).WithText(approval.DecisionReason))
            {
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await m.AuditAsync(audit, cancellationToken).ConfigureAwait(false);
        }

        public Task<Rollout?> ReadActiveRolloutAsync(CancellationToken cancellationToken) => RolloutRows.ReadAsync(m, name, null, cancellationToken);

        public Task<Rollout?> ReadRolloutAsync(string id, CancellationToken cancellationToken) => RolloutRows.ReadAsync(m, name, id, cancellationToken);

        public Task AddRolloutAsync(Rollout rollout, AuditEvent audit, CancellationToken cancellationToken) =>
            RolloutRows.InsertAsync(m, rollout, audit, cancellationToken);

        public async Task UpdateRolloutAsync(Rollout rollout, AuditEvent audit, (AliasHistoryEntry Entry, AuditEvent Audit)? promotion, CancellationToken cancellationToken)
        {
            // One transaction: the alias moves (with its history and audit) and the rollout ends together, or neither.
            if (promotion is { } move)
            {
                await MoveAliasAsync(move.Entry, move.Audit, cancellationToken).ConfigureAwait(false);
            }

            await RolloutRows.UpdateAsync(m, rollout, audit, cancellationToken).ConfigureAwait(false);
        }

        public Task AppendAuditAsync(AuditEvent audit, CancellationToken cancellationToken) => m.AuditAsync(audit, cancellationToken);

        public Task ChangedAsync(RegistryChange change, CancellationToken cancellationToken) => m.ChangedAsync(change, cancellationToken);
    }
}
