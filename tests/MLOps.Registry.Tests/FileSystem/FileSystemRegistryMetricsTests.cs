using Microsoft.Extensions.DependencyInjection;
using MLOps.Registry.Tests.Conformance;
using MLOps.Registry.Tests.Support;

namespace MLOps.Registry.Tests.FileSystem;

/// <summary>The registry metrics against the file-system registry.</summary>
public sealed class FileSystemRegistryMetricsTests : RegistryMetricsTests
{
    private readonly TempDirectory _directory = new();

    protected override string Backend => "file_system";

    protected override Task AddRegistryAsync(IMLOpsBuilder builder)
    {
        builder.AddFileSystemRegistry(o => o.RootPath = _directory.Path);
        return Task.CompletedTask;
    }

    protected override Task<IModelRegistry> OpenSecondInstanceAsync() =>
        Task.FromResult<IModelRegistry>(new FileSystemModelRegistry(new FileSystemRegistryOptions { RootPath = _directory.Path }));

    protected override Task DisposeStoreAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
