using System.Text.Json;
using System.Text.Json.Nodes;
using MLOps.Registry.FileSystem;
using MLOps.Registry.Internal;
using MLOps.Shared.FileSystem;

namespace MLOps;

public sealed partial class FileSystemModelRegistry
{
    /// <inheritdoc/>
    public async Task<PromotionApproval> RequestApprovalAsync(ApprovalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ModelName name = RegistryValidation.Name(request.Name, nameof(request));
        ModelVersion version = RegistryValidation.Version(request.Version, nameof(request));
        ModelAlias alias = RegistryValidation.Alias(request.Alias, nameof(request));
        RegistryValidation.Text(request.Reason, nameof(request));
        string actor = RegistryValidation.Actor(request.Actor, _defaultActor, nameof(request));
        PromotionApproval approval;
        try
        {
            await EnsureSchemaAsync(forWrite: true, cancellationToken).ConfigureAwait(false);
            using (await LockAsync(cancellationToken).ConfigureAwait(false))
            {
                await RequireModelAsync(name, cancellationToken).ConfigureAwait(false);
                await RequireVersionAsync(name, version, cancellationToken).ConfigureAwait(false);
                (List<PromotionApproval> approvals, List<PendingAuditEvent> carried) = await ReadApprovalsForWriteAsync(name, cancellationToken).ConfigureAwait(false);
                DateTimeOffset now = _time.GetUtcNow();
                approval = new PromotionApproval
                {
                    Id = Guid.NewGuid().ToString("N")[..16],
                    Name = name,
                    Version = version,
                    Alias = alias,
                    State = ApprovalState.Pending,
                    RequestedBy = actor,
                    RequestedAt = now,
                    Reason = request.Reason,
                };
                approvals.Add(approval);
                await CommitApprovalsAsync(name, approvals, carried, approvals.Count - 1, Audit(now, actor, AuditActions.ApprovalRequested, name, AliasRules.ApprovalTarget(approval),
                    null, nameof(ApprovalState.Pending), request.Reason)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw StorageFailure($"Requesting approval to promote version {version} of model '{name}' to '{alias}'", ex);
        }

        Raise(new RegistryChange(RegistryChangeKind.ApprovalChanged, name, version, alias));
        return approval;
    }

    /// <inheritdoc/>
    public async Task<PromotionApproval> DecideApprovalAsync(ApprovalDecision decision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ModelName name = RegistryValidation.Name(decision.Name, nameof(decision));
        ArgumentException.ThrowIfNullOrWhiteSpace(decision.ApprovalId, nameof(decision));
        RegistryValidation.Text(decision.Reason, nameof(decision));
        string actor = RegistryValidation.Actor(decision.Actor, _defaultActor, nameof(decision));
        PromotionApproval decided;
        try
        {
            await EnsureSchemaAsync(forWrite: true, cancellationToken).ConfigureAwait(false);
            using (await LockAsync(cancellationToken).ConfigureAwait(false))
            {
                await RequireModelAsync(name, cancellationToken).ConfigureAwait(false);
                (List<PromotionApproval> approvals, List<PendingAuditEvent> carried) = await ReadApprovalsForWriteAsync(name, cancellationToken).ConfigureAwait(false);
                int index = approvals.FindIndex(a => a.Id == decision.ApprovalId);
                if (index < 0)
                {
                    throw NotFound($"Model '{name}' has no approval request '{decision.ApprovalId}'.");
                }

                PromotionApproval current = approvals[index];
                if (current.State != ApprovalState.Pending)
                {
                    throw new ModelRegistryException(RegistryErrorCode.InvalidState, $"Approval request '{current.Id}' was already {current.State.ToString().ToLowerInvariant()} by {current.DecidedBy}.");
                }

                if (string.Equals(current.RequestedBy, actor, StringComparison.Ordinal))
                {
                    throw new ModelRegistryException(RegistryErrorCode.InvalidState, $"'{actor}' requested approval '{current.Id}' and cannot decide it; another actor must.");
                }

                DateTimeOffset now = _time.GetUtcNow();
                decided = current with
                {
                    State = decision.Approve ? ApprovalState.Approved : ApprovalState.Rejected,
                    DecidedBy = actor,
                    DecidedAt = now,
                    DecisionReason = decision.Reason,
                };
                approvals[index] = decided;
                await CommitApprovalsAsync(name, approvals, carried, index, Audit(now, actor, AuditActions.ApprovalDecided, name, AliasRules.ApprovalTarget(current),
                    nameof(ApprovalState.Pending), decided.State.ToString(), decision.Reason)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw StorageFailure($"Deciding approval '{decision.ApprovalId}' of model '{name}'", ex);
        }

        Raise(new RegistryChange(RegistryChangeKind.ApprovalChanged, name, decided.Version, decided.Alias));
        return decided;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<PromotionApproval>> ListApprovalsAsync(ModelName name, CancellationToken cancellationToken = default)
    {
        RegistryValidation.Name(name, nameof(name));
        await EnsureSchemaAsync(forWrite: false, cancellationToken).ConfigureAwait(false);
        return await ReadApprovalsAsync(name, cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<PromotionApproval>> ReadApprovalsAsync(ModelName name, CancellationToken cancellationToken)
    {
        string path = ApprovalsFile(name);
        return await ReadBytesAsync(path, cancellationToken).ConfigureAwait(false) is { } bytes
            ? RegistryFileCheck.Approvals(Parse<List<PromotionApproval>>(bytes, path), path, name)
            : [];
    }

    /// <summary>Reads the approvals with the audit events each carries, for a write.</summary>
    private async Task<(List<PromotionApproval> Approvals, List<PendingAuditEvent> Pending)> ReadApprovalsForWriteAsync(ModelName name, CancellationToken cancellationToken)
    {
        string path = ApprovalsFile(name);
        if (await ReadBytesAsync(path, cancellationToken).ConfigureAwait(false) is not { } bytes)
        {
            return ([], []);
        }

        List<PromotionApproval> approvals = RegistryFileCheck.Approvals(Parse<List<PromotionApproval>>(bytes, path), path, name);
        List<PendingAuditEvent> pending = [.. (Parse<List<PendingHolder?>>(bytes, path) ?? []).SelectMany(h => h?.PendingAudit ?? [])];
        RegistryFileCheck.Pending(pending, path, name);
        return (approvals, pending);
    }

    /// <summary>Replaces <c>approvals.json</c> the same way; the events are carried by the approval at <paramref name="changed"/>.</summary>
    private async Task CommitApprovalsAsync(ModelName name, List<PromotionApproval> approvals, List<PendingAuditEvent> carried, int changed, AuditEvent auditEvent)
    {
        List<PendingAuditEvent> pending = await PrepareAuditAsync(name, carried, auditEvent).ConfigureAwait(false);
        JsonArray array = JsonSerializer.SerializeToNode(approvals, RegistryJson.Options)!.AsArray();
        array[changed]![PendingAuditProperty] = JsonSerializer.SerializeToNode(pending, RegistryJson.Options);
        await AtomicFile.WriteAsync(ApprovalsFile(name), JsonSerializer.SerializeToUtf8Bytes(array, RegistryJson.Options), Fault, CancellationToken.None).ConfigureAwait(false);
        await PublishAuditAsync(name, pending).ConfigureAwait(false);
    }
}
