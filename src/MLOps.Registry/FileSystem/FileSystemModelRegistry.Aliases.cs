using MLOps.Registry.FileSystem;
using MLOps.Registry.Internal;
using MLOps.Shared.FileSystem;

namespace MLOps;

public sealed partial class FileSystemModelRegistry
{
    /// <inheritdoc/>
    /// <remarks>The move and its audit event are one atomic write of <c>model.json</c>: a storage failure leaves the alias
    /// where it was (a <see cref="ModelRegistryException"/> with <see cref="RegistryErrorCode.Storage"/>, safe to retry);
    /// a promotion that returns is recorded in the audit trail.</remarks>
    public async Task<AliasHistoryEntry> PromoteAsync(PromoteRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ModelName name = RegistryValidation.Name(request.Name, nameof(request));
        ModelVersion version = RegistryValidation.Version(request.Version, nameof(request));
        ModelAlias alias = RegistryValidation.Alias(request.Alias, nameof(request));
        RegistryValidation.Text(request.Reason, nameof(request));
        string actor = RegistryValidation.Actor(request.Actor, _defaultActor, nameof(request));
        AliasHistoryEntry entry;
        try
        {
            await EnsureSchemaAsync(forWrite: true, cancellationToken).ConfigureAwait(false);
            using (await LockAsync(cancellationToken).ConfigureAwait(false))
            {
                ModelDocument document = await RequireModelAsync(name, cancellationToken).ConfigureAwait(false);
                RegisteredModelVersion candidate = await RequireVersionAsync(name, version, cancellationToken).ConfigureAwait(false);
                if (candidate.Status != ModelVersionStatus.Ready)
                {
                    throw new ModelRegistryException(RegistryErrorCode.InvalidState, $"Version {version} of model '{name}' is {candidate.Status}; only ready versions can be promoted.");
                }

                long revision = CheckRevision(document, name, alias, request.ExpectedRevision);
                ModelVersion? previous = document.Model.Aliases.TryGetValue(alias, out ModelVersion held) ? held : null;
                RegisteredModelVersion? holder = previous is { } p
                    ? await ReadVersionAsync(name, p.Number, cancellationToken).ConfigureAwait(false)
                    : null;
                IReadOnlyList<PromotionApproval> approvals = [.. (await ReadApprovalsAsync(name, cancellationToken).ConfigureAwait(false))
                    .Where(a => a.Version == version && a.Alias == alias)];
                List<string> failures = AliasRules.EvaluateGates(request.Gates, new PromotionGateContext(alias, candidate, holder, approvals));
                DateTimeOffset now = _time.GetUtcNow();
                if (failures.Count > 0)
                {
                    await AppendAuditOnlyAsync(name, Audit(now, actor, AuditActions.PromotionRejected, name, AliasRules.Target(name, alias),
                        previous?.ToString(), version.ToString(), string.Join("; ", failures))).ConfigureAwait(false);
                    Log.PromotionRejected(_logger, name.Value, version, alias.Value, string.Join("; ", failures));
                    throw new PromotionRejectedException(ModelReference.ForVersion(name, version), alias, failures);
                }

                entry = new AliasHistoryEntry
                {
                    Name = name,
                    Alias = alias,
                    Revision = revision + 1,
                    Action = AliasAction.Promote,
                    Version = version,
                    PreviousVersion = previous,
                    Actor = actor,
                    Reason = request.Reason,
                    Timestamp = now,
                };
                await MoveAliasAsync(document, entry, AuditActions.AliasPromoted).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw StorageFailure($"Promoting version {version} of model '{name}' to '{alias}'", ex);
        }

        Raise(new RegistryChange(RegistryChangeKind.AliasChanged, name, version, alias));
        return entry;
    }

    /// <inheritdoc/>
    public async Task<AliasHistoryEntry> RollbackAsync(RollbackRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ModelName name = RegistryValidation.Name(request.Name, nameof(request));
        ModelAlias alias = RegistryValidation.Alias(request.Alias, nameof(request));
        RegistryValidation.Text(request.Reason, nameof(request));
        string actor = RegistryValidation.Actor(request.Actor, _defaultActor, nameof(request));
        AliasHistoryEntry entry;
        try
        {
            await EnsureSchemaAsync(forWrite: true, cancellationToken).ConfigureAwait(false);
            using (await LockAsync(cancellationToken).ConfigureAwait(false))
            {
                ModelDocument document = await RequireModelAsync(name, cancellationToken).ConfigureAwait(false);
                long revision = CheckRevision(document, name, alias, request.ExpectedRevision);
                ModelVersion target = AliasRules.RollbackTarget(document.AliasHistory.Where(h => h.Alias == alias))
                    ?? throw new ModelRegistryException(RegistryErrorCode.InvalidState, $"Alias '{alias}' of model '{name}' has no previous holder to roll back to.");
                RegisteredModelVersion targetVersion = await RequireVersionAsync(name, target, cancellationToken).ConfigureAwait(false);
                if (targetVersion.Status != ModelVersionStatus.Ready)
                {
                    throw new ModelRegistryException(RegistryErrorCode.InvalidState, $"The previous holder, version {target}, is {targetVersion.Status}.");
                }

                entry = new AliasHistoryEntry
                {
                    Name = name,
                    Alias = alias,
                    Revision = revision + 1,
                    Action = AliasAction.Rollback,
                    Version = target,
                    PreviousVersion = document.Model.Aliases.TryGetValue(alias, out ModelVersion held) ? held : null,
                    Actor = actor,
                    Reason = request.Reason,
                    Timestamp = _time.GetUtcNow(),
                };
                await MoveAliasAsync(document, entry, AuditActions.AliasRolledBack).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw StorageFailure($"Rolling back alias '{alias}' of model '{name}'", ex);
        }

        Raise(new RegistryChange(RegistryChangeKind.AliasChanged, name, entry.Version, alias));
        return entry;
    }

    /// <inheritdoc/>
    public async Task<AliasHistoryEntry> RemoveAliasAsync(RemoveAliasRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ModelName name = RegistryValidation.Name(request.Name, nameof(request));
        ModelAlias alias = RegistryValidation.Alias(request.Alias, nameof(request));
        RegistryValidation.Text(request.Reason, nameof(request));
        string actor = RegistryValidation.Actor(request.Actor, _defaultActor, nameof(request));
        AliasHistoryEntry entry;
        try
        {
            await EnsureSchemaAsync(forWrite: true, cancellationToken).ConfigureAwait(false);
            using (await LockAsync(cancellationToken).ConfigureAwait(false))
            {
                ModelDocument document = await RequireModelAsync(name, cancellationToken).ConfigureAwait(false);
                long revision = CheckRevision(document, name, alias, request.ExpectedRevision);
                if (!document.Model.Aliases.TryGetValue(alias, out ModelVersion held))
                {
                    throw NotFound($"Alias '{alias}' of model '{name}' is not assigned.");
                }

                entry = new AliasHistoryEntry
                {
                    Name = name,
                    Alias = alias,
                    Revision = revision + 1,
                    Action = AliasAction.Remove,
                    Version = null,
                    PreviousVersion = held,
                    Actor = actor,
                    Reason = request.Reason,
                    Timestamp = _time.GetUtcNow(),
                };
                await MoveAliasAsync(document, entry, AuditActions.AliasRemoved).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw StorageFailure($"Removing alias '{alias}' of model '{name}'", ex);
        }

        Raise(new RegistryChange(RegistryChangeKind.AliasChanged, name, null, alias));
        return entry;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<AliasHistoryEntry>> GetAliasHistoryAsync(ModelName name, ModelAlias? alias = null, CancellationToken cancellationToken = default)
    {
        RegistryValidation.Name(name, nameof(name));
        await EnsureSchemaAsync(forWrite: false, cancellationToken).ConfigureAwait(false);
        ModelDocument? document = await ReadModelAsync(name, cancellationToken).ConfigureAwait(false);
        return document is null ? [] : [.. document.AliasHistory.Where(h => alias is null || h.Alias == alias.Value)];
    }

    private async Task MoveAliasAsync(ModelDocument document, AliasHistoryEntry entry, string auditAction)
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
        await CommitModelAsync(document, Audit(entry.Timestamp, entry.Actor, auditAction, entry.Name, AliasRules.Target(entry.Name, entry.Alias),
            entry.PreviousVersion?.ToString(), entry.Version?.ToString(), entry.Reason)).ConfigureAwait(false);
        Log.AliasMoved(_logger, entry.Name.Value, entry.Alias.Value, entry.PreviousVersion, entry.Version, entry.Action, entry.Actor, entry.Reason);
    }

    private static long CheckRevision(ModelDocument document, ModelName name, ModelAlias alias, long? expected)
    {
        long revision = document.AliasHistory.LongCount(h => h.Alias == alias);
        if (expected is { } e && e != revision)
        {
            throw new RegistryConflictException(
                $"Alias '{alias}' of model '{name}' is at revision {revision}, but revision {e} was expected: it moved concurrently. Re-read and retry.");
        }

        return revision;
    }
}
