using System.Text.Json;

namespace MLOps.Registry.Tests.MultiProcess;

/// <summary>Checks that a registry directory is readable and internally consistent (after a writer was killed).</summary>
public static class RegistryConsistency
{
    /// <summary>Asserts consistency and returns the versions of <paramref name="name"/>.</summary>
    public static async Task<IReadOnlyList<RegisteredModelVersion>> AssertConsistentAsync(string root, ModelName name)
    {
        // Never half-written: every metadata file parses (stray temp files are ignored by readers).
        foreach (string file in Directory.EnumerateFiles(Path.Combine(root, "models"), "*.json", SearchOption.AllDirectories))
        {
            if (!Path.GetFileName(file).Contains(".tmp-", StringComparison.Ordinal))
            {
                using JsonDocument _ = JsonDocument.Parse(await File.ReadAllBytesAsync(file));
            }
        }

        using var registry = new FileSystemModelRegistry(new FileSystemRegistryOptions { RootPath = root, WatchForChanges = false, LockTimeout = TimeSpan.FromSeconds(30) });
        RegisteredModel model = Assert.IsType<RegisteredModel>(await registry.GetModelAsync(name));
        IReadOnlyList<RegisteredModelVersion> versions = await registry.ListVersionsAsync(name);
        Assert.Equal(versions.Count, versions.Select(v => v.Version).Distinct().Count());
        foreach (RegisteredModelVersion v in versions)
        {
            Assert.True(v.Status is ModelVersionStatus.Ready or ModelVersionStatus.Pending or ModelVersionStatus.Failed);
            if (v.Status == ModelVersionStatus.Ready)
            {
                foreach (ArtifactDescriptor artifact in v.Artifacts)
                {
                    byte[] content = await registry.ReadArtifactAsync(name, v.Version, artifact.Path); // verifies SHA-256 and length
                    Assert.Equal(artifact.Length, content.Length);
                }
            }
        }

        // Aliases point at ready versions and agree with their history.
        IReadOnlyList<AliasHistoryEntry> history = await registry.GetAliasHistoryAsync(name);
        foreach ((ModelAlias alias, ModelVersion target) in model.Aliases)
        {
            Assert.Equal(ModelVersionStatus.Ready, Assert.Single(versions, v => v.Version == target).Status);
            Assert.Equal(target, history.Last(h => h.Alias == alias).Version);
        }

        Assert.NotEmpty(await registry.QueryAuditAsync(new AuditQuery { Model = name }));

        // The lock is free and the next number does not collide.
        RegisteredModelVersion next = await registry.RegisterVersionAsync(new RegisterVersionRequest(name, [ModelArtifact.FromBytes(new byte[] { 1, 2, 3 })]));
        Assert.True(versions.Count == 0 || next.Version > versions.Max(v => v.Version), $"new version {next.Version} must be above every existing one");
        Assert.Equal(ModelVersionStatus.Ready, next.Status);
        return versions;
    }
}
