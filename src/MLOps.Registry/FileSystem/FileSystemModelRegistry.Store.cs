using MLOps.Registry.FileSystem;
using MLOps.Registry.Internal;

namespace MLOps;

public sealed partial class FileSystemModelRegistry
{
    /// <summary>The registry directory as the store of <see cref="RegistryCore"/>: a unit of work holds the registry lock.</summary>
    private sealed class Store(FileSystemModelRegistry registry) : IRegistryStore
    {
        public Task<T> WriteModelAsync<T>(ModelName name, string operation, Func<IRegistryUnitOfWork, Task<T>> work, CancellationToken cancellationToken) =>
            LockedAsync(
                operation,
                async changes =>
                {
                    ModelDocument document = await registry.RequireModelAsync(name, cancellationToken).ConfigureAwait(false);
                    return await work(new UnitOfWork(registry, document, changes)).ConfigureAwait(false);
                },
                cancellationToken);

        public Task<T> CreateModelAsync<T>(string operation, Func<IRegistryCreation, Task<T>> work, CancellationToken cancellationToken) =>
            LockedAsync(operation, changes => work(new Creation(registry, changes)), cancellationToken);

        /// <summary>Runs <paramref name="work"/> under the registry lock; publishes the changes it recorded once the lock is released.</summary>
        private async Task<T> LockedAsync<T>(string operation, Func<List<RegistryChange>, Task<T>> work, CancellationToken cancellationToken)
        {
            var changes = new List<RegistryChange>();
            T result;
            try
            {
                await registry.EnsureSchemaAsync(forWrite: true, cancellationToken).ConfigureAwait(false);
                using (await registry.LockAsync(cancellationToken).ConfigureAwait(false))
                {
                    result = await work(changes).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (IsStorageFailure(ex))
            {
                throw registry.StorageFailure(operation, ex);
            }

            foreach (RegistryChange change in changes)
            {
                registry.Publish(change);
            }

            return result;
        }

        public Task<RegisteredModelVersion> RegisterAsync(VersionDraft draft, CancellationToken cancellationToken) =>
            registry.RegisterAsync(draft, cancellationToken);

        public Task<IReadOnlyList<AuditEvent>> ReadAuditAsync(AuditQuery query, CancellationToken cancellationToken) =>
            registry.ReadAuditAsync(query, cancellationToken);

        public Task<RegisteredModelVersion?> ReadVersionAsync(ModelName name, ModelVersion version, CancellationToken cancellationToken) =>
            registry.GetVersionAsync(name, version, cancellationToken);

        public async Task<ArtifactDescriptor> PutProfileAsync(ModelName name, ModelVersion version, ReferenceProfileBlob profile, CancellationToken cancellationToken)
        {
            try
            {
                return await registry.StoreProfileAsync(name, version, profile, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsStorageFailure(ex))
            {
                throw registry.StorageFailure($"Setting the reference profile of version {version} of model '{name}'", ex);
            }
        }

        public Task DeleteProfileAsync(ModelName name, ModelVersion version, ArtifactDescriptor profile) =>
            registry.TryDeleteArtifactAsync(name, version, profile.Path);

        public Task<IReadOnlyList<Rollout>> ReadRolloutsAsync(ModelName name, string? id, bool activeOnly, CancellationToken cancellationToken) =>
            registry.ReadRolloutsAsync(name, id, activeOnly, cancellationToken);
    }

    /// <summary>A model's creation, under the lock: a new directory with its <c>model.json</c>.</summary>
    private sealed class Creation(FileSystemModelRegistry registry, List<RegistryChange> changes) : IRegistryCreation
    {
        public DateTimeOffset Now => registry._time.GetUtcNow();

        public async Task<bool> InsertModelAsync(RegisteredModel model, AuditEvent audit, CancellationToken cancellationToken)
        {
            if (File.Exists(registry.ModelFile(model.Name)))
            {
                return false;
            }

            await registry.CreateModelFilesAsync(model, audit).ConfigureAwait(false);
            return true;
        }

        public Task ChangedAsync(RegistryChange change, CancellationToken cancellationToken)
        {
            changes.Add(change);
            return Task.CompletedTask;
        }
    }

    /// <summary>One model's <c>model.json</c>, read under the lock; every write is an atomic replace with its audit event.</summary>
    private sealed class UnitOfWork(FileSystemModelRegistry registry, ModelDocument document, List<RegistryChange> changes) : IRegistryUnitOfWork
    {
        private (List<PromotionApproval> Approvals, List<PendingAuditEvent> Carried)? _approvals;

        public ModelName Name => document.Model.Name;

        public DateTimeOffset Now => registry._time.GetUtcNow();

        public Task<RegisteredModel> ReadModelAsync(CancellationToken cancellationToken) => Task.FromResult(document.Model);

        public async Task<RegisteredModel> UpdateModelAsync(RegisteredModel model, AuditEvent audit, CancellationToken cancellationToken)
        {
            document.Model = model;
            await registry.CommitModelAsync(document, audit).ConfigureAwait(false);
            return model;
        }

        public Task<RegisteredModelVersion?> ReadVersionAsync(ModelVersion version, CancellationToken cancellationToken) =>
            registry.ReadVersionAsync(Name, version.Number, cancellationToken);

        public async Task<RegisteredModelVersion> UpdateVersionAsync(RegisteredModelVersion version, AuditEvent audit, CancellationToken cancellationToken)
        {
            // The version file carries the audit events it could not append yet: they are kept (crash-safe audit).
            (RegisteredModelVersion _, List<PendingAuditEvent>? carried) = await registry.ReadVersionForWriteAsync(Name, version.Version.Number).ConfigureAwait(false)
                ?? throw new ModelRegistryException(RegistryErrorCode.NotFound, $"Version {version.Version} of model '{Name}' does not exist.");
            await registry.CommitVersionAsync(version, carried, audit).ConfigureAwait(false);
            return version;
        }

        public Task<AliasState> ReadAliasAsync(ModelAlias alias, CancellationToken cancellationToken) =>
            Task.FromResult(new AliasState(
                document.Model.Aliases.TryGetValue(alias, out ModelVersion held) ? held : null,
                document.AliasHistory.LongCount(h => h.Alias == alias)));

        public Task<IReadOnlyList<AliasHistoryEntry>> ReadAliasHistoryAsync(ModelAlias alias, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<AliasHistoryEntry>>([.. document.AliasHistory.Where(h => h.Alias == alias)]);

        public async Task<IReadOnlyList<PromotionApproval>> ReadApprovalsAsync(ModelVersion version, ModelAlias alias, CancellationToken cancellationToken) =>
            [.. (await registry.ReadApprovalsAsync(Name, cancellationToken).ConfigureAwait(false)).Where(a => a.Version == version && a.Alias == alias)];

        public async Task MoveAliasAsync(AliasHistoryEntry entry, AuditEvent audit, CancellationToken cancellationToken)
        {
            var aliases = new Dictionary<ModelAlias, ModelVersion>(document.Model.Aliases);
            if (entry.Version is { } target)
            {
                aliases[entry.Alias] = target;
            }
            else
            {
                aliases.Remove(entry.Alias);
            }

            document.Model = document.Model with { Aliases = aliases, UpdatedAt = entry.Timestamp };
            document.AliasHistory.Add(entry);
            await registry.CommitModelAsync(document, audit).ConfigureAwait(false);
        }

        public async Task<PromotionApproval?> ReadApprovalAsync(string id, CancellationToken cancellationToken) =>
            (await ApprovalsForWriteAsync(cancellationToken).ConfigureAwait(false)).Approvals.Find(a => a.Id == id);

        public async Task AddApprovalAsync(PromotionApproval approval, AuditEvent audit, CancellationToken cancellationToken)
        {
            (List<PromotionApproval> approvals, List<PendingAuditEvent> carried) = await ApprovalsForWriteAsync(cancellationToken).ConfigureAwait(false);
            approvals.Add(approval);
            await registry.CommitApprovalsAsync(Name, approvals, carried, approvals.Count - 1, audit).ConfigureAwait(false);
        }

        public async Task UpdateApprovalAsync(PromotionApproval approval, AuditEvent audit, CancellationToken cancellationToken)
        {
            (List<PromotionApproval> approvals, List<PendingAuditEvent> carried) = await ApprovalsForWriteAsync(cancellationToken).ConfigureAwait(false);
            int index = approvals.FindIndex(a => a.Id == approval.Id);
            approvals[index] = approval;
            await registry.CommitApprovalsAsync(Name, approvals, carried, index, audit).ConfigureAwait(false);
        }

        public Task<Rollout?> ReadActiveRolloutAsync(CancellationToken cancellationToken) =>
            Task.FromResult(document.Rollouts.Find(r => r.IsActive));

        public Task<Rollout?> ReadRolloutAsync(string id, CancellationToken cancellationToken) =>
            Task.FromResult(document.Rollouts.Find(r => string.Equals(r.Id, id, StringComparison.Ordinal)));

        public Task AddRolloutAsync(Rollout rollout, AuditEvent audit, CancellationToken cancellationToken) =>
            registry.AddRolloutAsync(document, rollout, audit);

        public Task UpdateRolloutAsync(Rollout rollout, AuditEvent audit, (AliasHistoryEntry Entry, AuditEvent Audit)? promotion, CancellationToken cancellationToken) =>
            registry.UpdateRolloutAsync(document, rollout, audit, promotion);

        public Task AppendAuditAsync(AuditEvent audit, CancellationToken cancellationToken) => registry.AppendAuditOnlyAsync(Name, audit);

        public Task ChangedAsync(RegistryChange change, CancellationToken cancellationToken)
        {
            changes.Add(change);
            return Task.CompletedTask;
        }

        /// <summary><c>approvals.json</c> with the audit events it carries, read once per unit of work.</summary>
        private async Task<(List<PromotionApproval> Approvals, List<PendingAuditEvent> Carried)> ApprovalsForWriteAsync(CancellationToken cancellationToken) =>
            _approvals ??= await registry.ReadApprovalsForWriteAsync(Name, cancellationToken).ConfigureAwait(false);
    }
}
