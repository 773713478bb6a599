using MLOps.Registry.FileSystem;
using MLOps.Registry.Internal;
using MLOps.Shared.FileSystem;

namespace MLOps;

public sealed partial class FileSystemModelRegistry
{
    /// <inheritdoc/>
    public override async Task<RegisteredModel?> GetModelAsync(ModelName name, CancellationToken cancellationToken = default)
    {
        RegistryValidation.Name(name, nameof(name));
        await EnsureSchemaAsync(forWrite: false, cancellationToken).ConfigureAwait(false);
        return (await ReadModelAsync(name, cancellationToken).ConfigureAwait(false))?.Model;
    }

    /// <inheritdoc/>
    /// <remarks>A model whose <c>model.json</c> is corrupt fails the search with <see cref="RegistryErrorCode.CorruptData"/>
    /// naming the file: a listing never leaves a model out silently.</remarks>
    public override async Task<IReadOnlyList<RegisteredModel>> SearchModelsAsync(ModelSearchQuery? query = null, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(forWrite: false, cancellationToken).ConfigureAwait(false);
        var result = new List<RegisteredModel>();
        foreach (ModelName name in EnumerateModelNames())
        {
            if (query?.NamePrefix is { } prefix && !name.Value.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            RegisteredModel? model = (await ReadModelAsync(name, cancellationToken).ConfigureAwait(false))?.Model;
            if (model is null
                || (query?.TagKey is { } key && (!model.Tags.TryGetValue(key, out string? value) || (query.TagValue is { } expected && value != expected)))
                || (query?.Alias is { } alias && !model.Aliases.ContainsKey(alias))
                || (query?.CreatedAfter is { } after && model.CreatedAt <= after))
            {
                continue;
            }

            result.Add(model);
        }

        return result;
    }

    /// <summary>Writes a new model's directory and <c>model.json</c> with its audit event, under the lock.</summary>
    private async Task<ModelDocument> CreateModelFilesAsync(RegisteredModel model, AuditEvent audit)
    {
        // "Taxi" and "taxi" are one directory on Windows and macOS: the second would write into the first's files. Refused
        // on every OS, so a registry directory can be copied between operating systems.
        if (await CaseVariantAsync(model.Name).ConfigureAwait(false) is { } existing)
        {
            throw new ModelRegistryException(
                RegistryErrorCode.AlreadyExists,
                $"A registered model named '{existing}' already exists; model names that differ only in case cannot both be stored in a " +
                "file-system registry (Windows and macOS keep them in one directory).");
        }

        string directory = ModelDir(model.Name);
        bool created = !Directory.Exists(directory);
        DirectorySync.CreateDirectory(directory);
        var document = new ModelDocument { Model = model };
        try
        {
            await CommitModelAsync(document, audit).ConfigureAwait(false);
        }
        catch (Exception ex) when (created && IsStorageFailure(ex))
        {
            TryDeleteEmptyDirectory(directory);   // leave nothing behind
            throw;
        }

        return document;
    }
}
