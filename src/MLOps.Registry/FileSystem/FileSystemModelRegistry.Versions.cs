using MLOps.Registry.FileSystem;
using MLOps.Registry.Internal;
using MLOps.Shared.FileSystem;

namespace MLOps;

public sealed partial class FileSystemModelRegistry
{
    /// <inheritdoc/>
    /// <remarks>
    /// A storage failure (a full disk, a file size limit) before the version number is allocated changes nothing; after it,
    /// the version is marked <see cref="ModelVersionStatus.Failed"/> (never served, its number never reused). Either way
    /// the <see cref="ModelRegistryException"/> (<see cref="RegistryErrorCode.Storage"/>) carries the cause, and a retry
    /// registers a new version.
    /// </remarks>
    public override Task<RegisteredModelVersion> RegisterVersionAsync(RegisterVersionRequest request, CancellationToken cancellationToken = default) =>
        Core.RegisterVersionAsync(request, cancellationToken);

    /// <summary>
    /// The file system's order: the number is taken and the pending version written under the lock (gap-free numbers; a
    /// registration killed mid-way leaves its number as a pending version, never served or reused), the artifacts are
    /// stored without the lock, then the version is marked ready (or failed).
    /// </summary>
    private async Task<RegisteredModelVersion> RegisterAsync(VersionDraft draft, CancellationToken cancellationToken)
    {
        RegisterVersionRequest request = draft.Request;
        string actor = draft.Actor;
        ModelName name = draft.Name;

        // 1. Allocate the number and write the pending version, under the lock.
        ModelVersion version = default;
        bool allocated = false;
        bool modelCreated = false;
        try
        {
            await EnsureSchemaAsync(forWrite: true, cancellationToken).ConfigureAwait(false);
            using (await LockAsync(cancellationToken).ConfigureAwait(false))
            {
                DateTimeOffset now = _time.GetUtcNow();
                ModelDocument? document = await ReadModelAsync(name, cancellationToken).ConfigureAwait(false);
                if (document is null)
                {
                    if (!draft.CreatesModel)
                    {
                        throw draft.ModelMissing();
                    }

                    (RegisteredModel model, AuditEvent created) = draft.NewModel(now);
                    document = await CreateModelFilesAsync(model, created).ConfigureAwait(false);
                    modelCreated = true;
                }

                int number = (document.Model.LatestVersion?.Number ?? 0) + 1;
                while (File.Exists(VersionFile(name, number)))
                {
                    number++; // a version file written by a writer killed before it updated model.json
                }

                version = new ModelVersion(number);
                (RegisteredModelVersion pending, AuditEvent pendingAudit) = draft.Pending(version, now);
                DirectorySync.CreateDirectory(VersionsDir(name));
                await CommitVersionAsync(pending, null, pendingAudit).ConfigureAwait(false);
                allocated = true;
                Fault?.Invoke("version-pending-written");
                document.Model = document.Model with { LatestVersion = version, UpdatedAt = now };
                await CommitModelAsync(document).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (!allocated && IsStorageFailure(ex))
        {
            if (modelCreated)
            {
                Publish(new RegistryChange(RegistryChangeKind.ModelCreated, name));
            }

            throw StorageFailure($"Registering a version of model '{name}'", ex);
        }
        catch (Exception ex) when (allocated)
        {
            // The number is taken (its pending file is written): mark the version failed, so it is never left pending.
            Log.RegistrationFailed(_logger, ex, name.Value, version);
            await MarkFailedAsync(name, version, actor, ex.Message).ConfigureAwait(false);
            if (IsStorageFailure(ex))
            {
                throw new ModelRegistryException(RegistryErrorCode.Storage, $"Registering version {version} of model '{name}' failed: {ex.Message} The version is marked Failed; retry to register a new version.", ex);
            }

            throw;
        }

        if (modelCreated)
        {
            Publish(new RegistryChange(RegistryChangeKind.ModelCreated, name));
        }

        Publish(new RegistryChange(RegistryChangeKind.VersionChanged, name, version));

        // 2. Store the artifacts without holding the lock (they may be large), then mark the version ready.
        Exception? callerFailure = null;   // a failure of the caller's own artifact stream is rethrown as it is
        try
        {
            var artifacts = new List<ArtifactDescriptor>(request.Artifacts.Count);
            foreach (ModelArtifact artifact in request.Artifacts)
            {
                Stream content;
                try
                {
                    content = await artifact.OpenReadAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    callerFailure = ex;
                    throw;
                }

                await using (content.ConfigureAwait(false))
                {
                    var source = new CallerStream(content);
                    try
                    {
                        ArtifactDescriptor stored = await _artifacts.PutAsync(FileKey(name, version, artifact.Path), source, cancellationToken).ConfigureAwait(false);
                        artifacts.Add(stored with { Path = artifact.Path });
                    }
                    finally
                    {
                        callerFailure ??= source.Failure;
                    }
                }
            }

            ArtifactDescriptor? profile = request.ReferenceProfile is { } p
                ? await StoreProfileAsync(name, version, p, cancellationToken).ConfigureAwait(false)
                : null;
            Fault?.Invoke("artifacts-stored");

            RegisteredModelVersion ready;
            using (await LockAsync(CancellationToken.None).ConfigureAwait(false))
            {
                (RegisteredModelVersion current, List<PendingAuditEvent>? carried) = await ReadVersionForWriteAsync(name, version.Number).ConfigureAwait(false)
                    ?? throw new ModelRegistryException(RegistryErrorCode.Storage, $"The pending version file of {name}/{version} disappeared.");
                DateTimeOffset now = _time.GetUtcNow();
                (ready, AuditEvent readyAudit) = draft.Ready(current, artifacts, profile, now);
                await CommitVersionAsync(ready, carried, readyAudit).ConfigureAwait(false);
            }

            Publish(new RegistryChange(RegistryChangeKind.VersionChanged, name, version));
            return ready;
        }
        catch (Exception ex)
        {
            Log.RegistrationFailed(_logger, ex, name.Value, version);
            await MarkFailedAsync(name, version, actor, ex is OperationCanceledException ? "Registration was cancelled." : ex.Message).ConfigureAwait(false);
            if (IsStorageFailure(ex) && !ReferenceEquals(ex, callerFailure))
            {
                throw new ModelRegistryException(RegistryErrorCode.Storage, $"Registering version {version} of model '{name}' failed: {ex.Message} The version is marked Failed; retry to register a new version.", ex);
            }

            throw;
        }
    }

    /// <inheritdoc/>
    public override async Task<RegisteredModelVersion?> GetVersionAsync(ModelName name, ModelVersion version, CancellationToken cancellationToken = default)
    {
        RegistryValidation.Name(name, nameof(name));
        RegistryValidation.Version(version, nameof(version));
        await EnsureSchemaAsync(forWrite: false, cancellationToken).ConfigureAwait(false);
        return await ReadVersionAsync(name, version.Number, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task<RegisteredModelVersion?> ResolveAsync(ModelReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Version is { } fixedVersion)
        {
            return await GetVersionAsync(reference.Name, fixedVersion, cancellationToken).ConfigureAwait(false);
        }

        await EnsureSchemaAsync(forWrite: false, cancellationToken).ConfigureAwait(false);
        ModelDocument? document = await ReadModelAsync(reference.Name, cancellationToken).ConfigureAwait(false);
        if (document is null)
        {
            return null;
        }

        if (reference.Alias is { } alias)
        {
            if (!document.Model.Aliases.TryGetValue(alias, out ModelVersion target))
            {
                return null;
            }

            // An alias always points at a version that exists: a missing file is damage, not "no such alias".
            return await ReadVersionAsync(reference.Name, target.Number, cancellationToken).ConfigureAwait(false)
                ?? throw RegistryFileCheck.Corrupt(VersionFile(reference.Name, target.Number), $"alias '{alias}' in '{ModelFile(reference.Name)}' points to version {target}, whose file is missing");
        }

        for (int n = document.Model.LatestVersion?.Number ?? 0; n >= 1; n--)
        {
            RegisteredModelVersion? candidate = await ReadVersionAsync(reference.Name, n, cancellationToken).ConfigureAwait(false);
            if (candidate?.Status == ModelVersionStatus.Ready)
            {
                return candidate;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    /// <remarks>A corrupt version file fails the listing with <see cref="RegistryErrorCode.CorruptData"/> naming the file: a
    /// listing never leaves a version out silently.</remarks>
    public override async Task<IReadOnlyList<RegisteredModelVersion>> ListVersionsAsync(ModelName name, CancellationToken cancellationToken = default)
    {
        RegistryValidation.Name(name, nameof(name));
        await EnsureSchemaAsync(forWrite: false, cancellationToken).ConfigureAwait(false);
        List<int> numbers = VersionNumbers(name);
        var versions = new List<RegisteredModelVersion>(numbers.Count);
        foreach (int n in numbers)
        {
            // Small local files: a synchronous read and span deserialization is several times cheaper than async I/O here.
            cancellationToken.ThrowIfCancellationRequested();
            string path = VersionFile(name, n);
            if (ReadBytes(path) is { } bytes)
            {
                versions.Add(RegistryFileCheck.Version(Parse<RegisteredModelVersion>(bytes, path), path, name, n));
            }
        }

        return versions;
    }

    /// <inheritdoc/>
    public override async Task<Stream> OpenArtifactAsync(ModelName name, ModelVersion version, string? path = null, CancellationToken cancellationToken = default)
    {
        RegistryValidation.Name(name, nameof(name));
        RegistryValidation.Version(version, nameof(version));
        if (path is not null)
        {
            ModelArtifact.ValidatePath(path, nameof(path));
        }

        await EnsureSchemaAsync(forWrite: false, cancellationToken).ConfigureAwait(false);
        RegisteredModelVersion v = await RequireVersionAsync(name, version, cancellationToken).ConfigureAwait(false);
        string wanted = path ?? v.PrimaryArtifactPath;
        ArtifactDescriptor descriptor = v.Artifacts.FirstOrDefault(a => a.Path == wanted)
            ?? throw (v.Status == ModelVersionStatus.Ready
                ? NotFound($"Version {version} of model '{name}' has no artifact '{wanted}'.")
                : new ModelRegistryException(RegistryErrorCode.InvalidState, $"Version {version} of model '{name}' is {v.Status}; its artifacts are not available."));
        return await _artifacts.OpenReadAsync(descriptor with { Path = FileKey(name, version, descriptor.Path) }, cancellationToken).ConfigureAwait(false);
    }

    private async Task TryDeleteArtifactAsync(ModelName name, ModelVersion version, string relative)
    {
        try
        {
            await _artifacts.DeleteAsync(VersionKey(name, version, relative), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            Log.ArtifactCleanupFailed(_logger, ex, VersionKey(name, version, relative));   // an unreferenced file; harmless
        }
    }
}
