namespace MLOps;

public sealed partial class FileSystemModelRegistry
{
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
