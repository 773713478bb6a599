using MLOps.Registry.FileSystem;
using MLOps.Registry.Internal;

namespace MLOps;

public sealed partial class FileSystemModelRegistry
{
    /// <inheritdoc/>
    public override async Task<IReadOnlyList<AliasHistoryEntry>> GetAliasHistoryAsync(ModelName name, ModelAlias? alias = null, CancellationToken cancellationToken = default)
    {
        RegistryValidation.Name(name, nameof(name));
        await EnsureSchemaAsync(forWrite: false, cancellationToken).ConfigureAwait(false);
        ModelDocument? document = await ReadModelAsync(name, cancellationToken).ConfigureAwait(false);
        return document is null ? [] : [.. document.AliasHistory.Where(h => alias is null || h.Alias == alias.Value)];
    }
}
