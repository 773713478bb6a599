using MLOps.Registry.Tests.Conformance;
using MLOps.Registry.Tests.Support;

namespace MLOps.Registry.Tests.FileSystem;

/// <summary>The conformance suite against the file-system registry; each test gets a fresh directory.</summary>
public sealed class FileSystemRegistryConformanceTests : RegistryConformanceTests
{
    private readonly TempDirectory _directory = new();

    protected override Task<IModelRegistry> CreateRegistryAsync() =>
        Task.FromResult<IModelRegistry>(new FileSystemModelRegistry(new FileSystemRegistryOptions { RootPath = _directory.Path }));

    protected override Task<IModelRegistry> OpenSecondInstanceAsync() => CreateRegistryAsync();

    protected override Task CorruptArtifactAsync(ModelName name, ModelVersion version, string path, bool truncate)
    {
        string file = ((FileSystemModelRegistry)Registry).Artifacts.PathOf(FileSystemModelRegistry.FileKey(name, version, path));
        byte[] content = File.ReadAllBytes(file);
        if (truncate)
        {
            File.WriteAllBytes(file, content.AsSpan(0, content.Length / 2).ToArray());
        }
        else
        {
            content[content.Length / 2] ^= 0xFF;
            File.WriteAllBytes(file, content);
        }

        return Task.CompletedTask;
    }

    protected override Task DisposeStoreAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
