namespace MLOps.Registry.Internal;

/// <summary>Argument checks shared by every backend, run before anything is read or written.</summary>
internal static class RegistryValidation
{
    public const int MaxKeyLength = 250;
    public const int MaxTagValueLength = 5000;
    public const int MaxParamValueLength = 6000;
    public const int MaxTextLength = 10_000;
    public const int MaxActorLength = 256;

    public static ModelName Name(ModelName name, string paramName) =>
        name.Value.Length == 0 ? throw new ArgumentException("A model name is required (the default ModelName is empty).", paramName) : name;

    public static ModelAlias Alias(ModelAlias alias, string paramName) =>
        alias.Value.Length == 0 ? throw new ArgumentException("An alias is required (the default ModelAlias is empty).", paramName) : alias;

    public static ModelVersion Version(ModelVersion version, string paramName) =>
        version.Number < 1 ? throw new ArgumentException("A version of 1 or more is required.", paramName) : version;

    public static string Actor(string? actor, string defaultActor, string paramName)
    {
        string value = actor ?? defaultActor;
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxActorLength || value.Any(char.IsControl))
        {
            throw new ArgumentException($"An actor must be 1 to {MaxActorLength} printable characters.", paramName);
        }

        return value;
    }

    public static void Text(string? text, string paramName)
    {
        if (text is not null && text.Length > MaxTextLength)
        {
            throw new ArgumentException($"At most {MaxTextLength} characters are allowed.", paramName);
        }
    }

    public static void Key(string? key, string what, string paramName)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length > MaxKeyLength || key.Any(char.IsControl))
        {
            throw new ArgumentException($"'{key}' is not a valid {what} name: use 1 to {MaxKeyLength} printable characters.", paramName);
        }
    }

    public static void Tags(IReadOnlyDictionary<string, string>? tags, string paramName)
    {
        if (tags is null)
        {
            return;
        }

        foreach ((string key, string value) in tags)
        {
            Key(key, "tag", paramName);
            if (value is null || value.Length > MaxTagValueLength)
            {
                throw new ArgumentException($"The value of tag '{key}' must be non-null and at most {MaxTagValueLength} characters.", paramName);
            }
        }
    }

    public static void TagKeys(IReadOnlyList<string>? keys, string paramName)
    {
        if (keys is null)
        {
            return;
        }

        foreach (string key in keys)
        {
            Key(key, "tag", paramName);
        }
    }

    public static void Metrics(IReadOnlyDictionary<string, double>? metrics, string paramName)
    {
        if (metrics is null)
        {
            return;
        }

        foreach (string key in metrics.Keys)
        {
            Key(key, "metric", paramName);
        }
    }

    public static void Params(IReadOnlyDictionary<string, string>? parameters, string paramName)
    {
        if (parameters is null)
        {
            return;
        }

        foreach ((string key, string value) in parameters)
        {
            Key(key, "parameter", paramName);
            if (value is null || value.Length > MaxParamValueLength)
            {
                throw new ArgumentException($"The value of parameter '{key}' must be non-null and at most {MaxParamValueLength} characters.", paramName);
            }
        }
    }

    /// <summary>The most features an importance list may have.</summary>
    public const int MaxFeatureImportances = 10_000;

    /// <summary>
    /// Checks a feature importance list (features named once, printable names, finite values, a non-negative standard
    /// deviation) and returns it ordered most important first, or <see langword="null"/> for <see langword="null"/>.
    /// </summary>
    public static FeatureImportance[]? FeatureImportance(IReadOnlyList<FeatureImportance>? importances, string paramName)
    {
        if (importances is null)
        {
            return null;
        }

        if (importances.Count > MaxFeatureImportances)
        {
            throw new ArgumentException($"At most {MaxFeatureImportances} feature importances are allowed (got {importances.Count}).", paramName);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (FeatureImportance? item in importances)
        {
            if (item is null)
            {
                throw new ArgumentException("Feature importances must not be null.", paramName);
            }

            Key(item.Feature, "feature", paramName);
            Key(item.Metric, "metric", paramName);
            if (!seen.Add(item.Feature))
            {
                throw new ArgumentException($"The feature '{item.Feature}' appears twice in the feature importance.", paramName);
            }

            if (!double.IsFinite(item.Mean) || !double.IsFinite(item.StdDev) || item.StdDev < 0)
            {
                throw new ArgumentException(
                    $"The importance of feature '{item.Feature}' must have a finite mean and a finite, non-negative standard deviation.", paramName);
            }
        }

        return [.. importances.OrderByDescending(i => i.Mean).ThenBy(i => i.Feature, StringComparer.Ordinal)];
    }

    public static void Profile(ReferenceProfileBlob? profile, string paramName)
    {
        if (profile is not null && (string.IsNullOrWhiteSpace(profile.ContentType) || profile.ContentType.Length > 255))
        {
            throw new ArgumentException("A reference profile needs a content type of 1 to 255 characters.", paramName);
        }
    }

    /// <summary>
    /// Refuses a file set that cannot be laid out as files on every file system both backends may use: a path that is
    /// both a file and a directory of another path (<c>model</c> and <c>model/weights.bin</c>), and paths or directories
    /// that differ only in case (<c>Model.zip</c> and <c>model.zip</c> are one file on Windows and macOS, where the second
    /// would silently replace the first). Checked for every backend, so a version registered in PostgreSQL can always be
    /// downloaded into a directory, and a file-system registry can be copied between operating systems.
    /// </summary>
    public static void ArtifactTree(IReadOnlyList<ModelArtifact> artifacts, string paramName)
    {
        if (TreeConflict(artifacts.Select(a => a.Path)) is { } problem)
        {
            throw new ArgumentException(problem, paramName);
        }
    }

    /// <summary>
    /// Why <paramref name="paths"/> cannot be laid out as one file tree (see <see cref="ArtifactTree"/>), or
    /// <see langword="null"/> when they can. An exact duplicate is not a conflict here (callers that refuse
    /// duplicates check that first).
    /// </summary>
    public static string? TreeConflict(IEnumerable<string> paths)
    {
        // Upper-cased entry (file or directory) -> (its spelling, whether it is a file, the artifact path it came from).
        var entries = new Dictionary<string, (string Spelling, bool IsFile, string Owner)>(StringComparer.Ordinal);
        foreach (string path in paths)
        {
            for (int slash = path.IndexOf('/', StringComparison.Ordinal); ; slash = path.IndexOf('/', slash + 1))
            {
                bool isFile = slash < 0;
                string entry = isFile ? path : path[..slash];
                string folded = entry.ToUpperInvariant();
                if (entries.TryGetValue(folded, out var seen))
                {
                    if (seen.IsFile != isFile)
                    {
                        (string file, string other) = isFile ? (path, seen.Owner) : (seen.Owner, path);
                        return $"The artifact path '{Shorten(file)}' is also a directory of the artifact path '{Shorten(other)}'; a file set must form a file tree.";
                    }

                    if (!string.Equals(seen.Spelling, entry, StringComparison.Ordinal))
                    {
                        return $"The artifact paths '{Shorten(seen.Owner)}' and '{Shorten(path)}' spell '{Shorten(entry)}' in different case; " +
                            "files and directories must differ by more than case, since case-insensitive file systems (Windows, macOS) store them as one.";
                    }
                }
                else
                {
                    entries.Add(folded, (entry, isFile, path));
                }

                if (isFile)
                {
                    break;
                }
            }
        }

        return null;
    }

    private static string Shorten(string value) => value.Length <= 80 ? value : string.Concat(value.AsSpan(0, 80), "…");

    /// <summary>Validates a registration request and returns the primary artifact path.</summary>
    public static string Register(RegisterVersionRequest request, string paramName)
    {
        ArgumentNullException.ThrowIfNull(request, paramName);
        Name(request.Name, paramName);
        if (request.Artifacts is null || request.Artifacts.Count == 0)
        {
            throw new ArgumentException("A version needs at least one artifact.", paramName);
        }

        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (ModelArtifact? artifact in request.Artifacts)
        {
            if (artifact is null)
            {
                throw new ArgumentException("Artifacts must not be null.", paramName);
            }

            ModelArtifact.ValidatePath(artifact.Path, paramName);
            if (!paths.Add(artifact.Path))
            {
                throw new ArgumentException($"The artifact path '{artifact.Path}' appears twice.", paramName);
            }
        }

        ArtifactTree(request.Artifacts, paramName);

        string primary = request.PrimaryArtifactPath
            ?? (request.Artifacts.Count == 1 ? request.Artifacts[0].Path : ModelArtifact.DefaultPath);
        if (!paths.Contains(primary))
        {
            throw new ArgumentException(
                request.PrimaryArtifactPath is null
                    ? $"Several artifacts and none is '{ModelArtifact.DefaultPath}': set PrimaryArtifactPath to the one to serve."
                    : $"The primary artifact path '{primary}' is not among the artifacts.",
                paramName);
        }

        Text(request.Description, paramName);
        Metrics(request.Metrics, paramName);
        Params(request.Params, paramName);
        Tags(request.Tags, paramName);
        Profile(request.ReferenceProfile, paramName);
        FeatureImportance(request.FeatureImportance, paramName);
        Text(request.Lineage?.Reason, paramName);
        return primary;
    }
}
