using System.Text.Json;
using System.Text.Json.Nodes;
using MLOps.Registry.FileSystem;
using MLOps.Registry.Internal;
using MLOps.Shared.FileSystem;

namespace MLOps;

public sealed partial class FileSystemModelRegistry
{
    /// <inheritdoc/>
    public override async Task<IReadOnlyList<PromotionApproval>> ListApprovalsAsync(ModelName name, CancellationToken cancellationToken = default)
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
