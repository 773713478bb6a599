using MLOps.Registry.FileSystem;
using MLOps.Registry.Internal;

namespace MLOps;

public sealed partial class FileSystemModelRegistry
{
    /// <inheritdoc/>
    /// <remarks>The move and its audit event are one atomic write of <c>model.json</c>: a storage failure leaves the alias
    /// where it was (a <see cref="ModelRegistryException"/> with <see cref="RegistryErrorCode.Storage"/>, safe to retry);
    /// a promotion that returns is recorded in the audit trail.</remarks>
    public Task<AliasHistoryEntry> PromoteAsync(PromoteRequest request, CancellationToken cancellationToken = default) =>
        _core.PromoteAsync(request, cancellationToken);

    /// <inheritdoc/>
    public Task<AliasHistoryEntry> RollbackAsync(RollbackRequest request, CancellationToken cancellationToken = default) =>
        _core.RollbackAsync(request, cancellationToken);

    /// <inheritdoc/>
    public Task<AliasHistoryEntry> RemoveAliasAsync(RemoveAliasRequest request, CancellationToken cancellationToken = default) =>
        _core.RemoveAliasAsync(request, cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<AliasHistoryEntry>> GetAliasHistoryAsync(ModelName name, ModelAlias? alias = null, CancellationToken cancellationToken = default)
    {
        RegistryValidation.Name(name, nameof(name));
        await EnsureSchemaAsync(forWrite: false, cancellationToken).ConfigureAwait(false);
        ModelDocument? document = await ReadModelAsync(name, cancellationToken).ConfigureAwait(false);
        return document is null ? [] : [.. document.AliasHistory.Where(h => alias is null || h.Alias == alias.Value)];
    }
}
