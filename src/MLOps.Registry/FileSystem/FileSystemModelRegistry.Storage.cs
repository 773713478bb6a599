using MLOps.Registry.FileSystem;
using MLOps.Registry.Internal;

namespace MLOps;

public sealed partial class FileSystemModelRegistry
{
    private string ModelDir(ModelName name) => Path.Combine(_modelsDir, name.Value);

    private string ModelFile(ModelName name) => Path.Combine(ModelDir(name), ModelFileName);

    private string VersionsDir(ModelName name) => Path.Combine(ModelDir(name), "versions");

    private string VersionFile(ModelName name, int version) =>
        Path.Combine(VersionsDir(name), version.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".json");

    private string ApprovalsFile(ModelName name) => Path.Combine(ModelDir(name), ApprovalsFileName);

    private string AuditFile(ModelName name) => Path.Combine(ModelDir(name), AuditFileName);

    internal static string VersionKey(ModelName name, ModelVersion version, string relative) => $"{name}/{version}/{relative}";

    /// <summary>
    /// The store key of an artifact: <c>&lt;name&gt;/&lt;n&gt;/files/&lt;path&gt;</c>, or, when that would pass the store's key
    /// limit, <c>&lt;name&gt;/&lt;n&gt;/long-paths/&lt;SHA-256 of the path&gt;</c> (<see cref="ArtifactKeys"/>). Derived from the
    /// path alone, so registries written before long paths were supported read unchanged.
    /// </summary>
    internal static string FileKey(ModelName name, ModelVersion version, string artifactPath) =>
        ArtifactKeys.Compose(VersionKey(name, version, string.Empty), "files", artifactPath);

    private List<ModelName> EnumerateModelNames()
    {
        if (!Directory.Exists(_modelsDir))
        {
            return [];
        }

        var names = new List<ModelName>();
        foreach (string directory in Directory.EnumerateDirectories(_modelsDir))
        {
            if (ModelName.TryParse(Path.GetFileName(directory), out ModelName name))
            {
                names.Add(name);
            }
        }

        names.Sort();
        return names;
    }

    private static void TryDeleteEmptyDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not empty, or not ours to delete: an empty model directory reads as no model anyway.
        }
    }

    /// <summary>
    /// Reads a model's document. On a case-insensitive file system, <c>models/taxi/model.json</c> opens the file of a model
    /// named <c>Taxi</c>: a document whose name differs from <paramref name="name"/> only in case is not this model.
    /// </summary>
    private async Task<ModelDocument?> ReadModelAsync(ModelName name, CancellationToken cancellationToken)
    {
        string path = ModelFile(name);
        if (await ReadBytesAsync(path, cancellationToken).ConfigureAwait(false) is not { } bytes)
        {
            return null;
        }

        ModelDocument document = RegistryFileCheck.Model(Parse<ModelDocument>(bytes, path), path, name);
        return document.Model.Name != name ? null : document;
    }

    /// <summary>The name of an existing model directory that differs from <paramref name="name"/> only in case, if any.</summary>
    private async Task<string?> CaseVariantAsync(ModelName name)
    {
        if (!Directory.Exists(_modelsDir))
        {
            return null;
        }

        // On a case-insensitive file system the path of this name opens the other model's file.
        string path = ModelFile(name);
        if (await ReadBytesAsync(path, CancellationToken.None).ConfigureAwait(false) is { } bytes)
        {
            return RegistryFileCheck.Model(Parse<ModelDocument>(bytes, path), path, name).Model.Name.Value;
        }

        foreach (string directory in Directory.EnumerateDirectories(_modelsDir))
        {
            string existing = Path.GetFileName(directory);
            if (string.Equals(existing, name.Value, StringComparison.OrdinalIgnoreCase) && !string.Equals(existing, name.Value, StringComparison.Ordinal))
            {
                return existing;
            }
        }

        return null;
    }

    private async Task<ModelDocument> RequireModelAsync(ModelName name, CancellationToken cancellationToken) =>
        await ReadModelAsync(name, cancellationToken).ConfigureAwait(false) ?? throw NotFound($"Registered model '{name}' does not exist.");

    /// <summary>Reads and checks a version file; <see langword="null"/> if it does not exist.</summary>
    private async Task<RegisteredModelVersion?> ReadVersionAsync(ModelName name, int number, CancellationToken cancellationToken)
    {
        string path = VersionFile(name, number);
        return await ReadBytesAsync(path, cancellationToken).ConfigureAwait(false) is { } bytes
            ? RegistryFileCheck.Version(Parse<RegisteredModelVersion>(bytes, path), path, name, number)
            : null;
    }

    /// <summary>Reads and checks a version file with the audit events it carries, for a write; <see langword="null"/> if it does not exist.</summary>
    private async Task<(RegisteredModelVersion Version, List<PendingAuditEvent>? Pending)?> ReadVersionForWriteAsync(ModelName name, int number)
    {
        string path = VersionFile(name, number);
        if (await ReadBytesAsync(path, CancellationToken.None).ConfigureAwait(false) is not { } bytes)
        {
            return null;
        }

        RegisteredModelVersion version = RegistryFileCheck.Version(Parse<RegisteredModelVersion>(bytes, path), path, name, number);
        List<PendingAuditEvent>? pending = Parse<PendingHolder>(bytes, path)?.PendingAudit;
        RegistryFileCheck.Pending(pending, path, name);
        return (version, pending);
    }

    private async Task<RegisteredModelVersion> RequireVersionAsync(ModelName name, ModelVersion version, CancellationToken cancellationToken) =>
        await ReadVersionAsync(name, version.Number, cancellationToken).ConfigureAwait(false)
            ?? throw NotFound($"Version {version} of model '{name}' does not exist.");

    /// <summary>The numbers of the version files of a model, ascending (only canonical names: <c>7.json</c>, not <c>007.json</c>).</summary>
    private List<int> VersionNumbers(ModelName name)
    {
        var numbers = new List<int>();
        string directory = VersionsDir(name);
        if (!Directory.Exists(directory))
        {
            return numbers;
        }

        foreach (string file in Directory.EnumerateFiles(directory, "*.json"))
        {
            string stem = Path.GetFileNameWithoutExtension(file);
            if (int.TryParse(stem, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n >= 1
                && stem == n.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                numbers.Add(n);
            }
        }

        numbers.Sort();
        return numbers;
    }
}
