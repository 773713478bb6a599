using MLOps.Registry.FileSystem;
using MLOps.Registry.Internal;

namespace MLOps;

public sealed partial class FileSystemModelRegistry
{
    /// <inheritdoc/>
    public override async Task<RegisteredModelVersion> SetReferenceProfileAsync(
        ModelName name, ModelVersion version, ReferenceProfileBlob profile, string? actor = null, CancellationToken cancellationToken = default)
    {
        RegistryValidation.Name(name, nameof(name));
        RegistryValidation.Version(version, nameof(version));
        ArgumentNullException.ThrowIfNull(profile);
        RegistryValidation.Profile(profile, nameof(profile));
        string who = RegistryValidation.Actor(actor, _defaultActor, nameof(actor));
        RegisteredModelVersion updated;
        ArtifactDescriptor? previous;
        ArtifactDescriptor? stored = null;
        bool committed = false;
        try
        {
            await EnsureSchemaAsync(forWrite: true, cancellationToken).ConfigureAwait(false);
            if (await GetVersionAsync(name, version, cancellationToken).ConfigureAwait(false) is null)
            {
                throw NotFound($"Version {version} of model '{name}' does not exist.");
            }

            stored = await StoreProfileAsync(name, version, profile, cancellationToken).ConfigureAwait(false);
            using (await LockAsync(cancellationToken).ConfigureAwait(false))
            {
                (RegisteredModelVersion current, List<PendingAuditEvent>? carried) = await ReadVersionForWriteAsync(name, version.Number).ConfigureAwait(false)
                    ?? throw NotFound($"Version {version} of model '{name}' does not exist.");
                previous = current.ReferenceProfile;
                DateTimeOffset now = _time.GetUtcNow();
                updated = current with { ReferenceProfile = stored, ReferenceProfileContentType = profile.ContentType, UpdatedAt = now };
                await CommitVersionAsync(updated, carried, Audit(now, who, AuditActions.ReferenceProfileSet, name, AliasRules.Target(name, version),
                    previous?.Sha256, stored.Sha256, null)).ConfigureAwait(false);
                committed = true;
            }
        }
        catch (Exception ex) when (!committed && stored is not null)
        {
            await TryDeleteArtifactAsync(name, version, stored.Path).ConfigureAwait(false);   // the new profile is referenced by nothing
            if (IsStorageFailure(ex))
            {
                throw StorageFailure($"Setting the reference profile of version {version} of model '{name}'", ex);
            }

            throw;
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw StorageFailure($"Setting the reference profile of version {version} of model '{name}'", ex);
        }

        if (previous is not null && previous.Path != stored.Path)
        {
            await TryDeleteArtifactAsync(name, version, previous.Path).ConfigureAwait(false);
        }

        Publish(new RegistryChange(RegistryChangeKind.VersionChanged, name, version));
        return updated;
    }

    /// <inheritdoc/>
    public override async Task<ReferenceProfileBlob?> GetReferenceProfileAsync(ModelName name, ModelVersion version, CancellationToken cancellationToken = default)
    {
        RegisteredModelVersion? v = await GetVersionAsync(name, version, cancellationToken).ConfigureAwait(false);
        if (v?.ReferenceProfile is not { } descriptor)
        {
            return null;
        }

        Stream stream = await _artifacts.OpenReadAsync(descriptor with { Path = VersionKey(name, version, descriptor.Path) }, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return new ReferenceProfileBlob(v.ReferenceProfileContentType ?? "application/octet-stream", buffer.ToArray());
        }
    }

    private async Task<ArtifactDescriptor> StoreProfileAsync(ModelName name, ModelVersion version, ReferenceProfileBlob profile, CancellationToken cancellationToken)
    {
        string relative = "profile/" + Guid.NewGuid().ToString("N") + ".bin";
        using var content = new MemoryStream(profile.Content.ToArray(), writable: false);
        ArtifactDescriptor stored = await _artifacts.PutAsync(VersionKey(name, version, relative), content, cancellationToken).ConfigureAwait(false);
        return stored with { Path = relative };
    }
}
