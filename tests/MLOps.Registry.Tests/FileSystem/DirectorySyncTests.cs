using MLOps.Registry.FileSystem;
using MLOps.Shared.FileSystem;
using MLOps.Registry.Tests.Support;

namespace MLOps.Registry.Tests.FileSystem;

public sealed class DirectorySyncTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Flush_AnExistingDirectory_Succeeds()
    {
        Assert.True(DirectorySync.Flush(_directory.Path));
    }

    [Fact]
    public void Flush_AMissingDirectory_ReportsFalseInsteadOfThrowing()
    {
        Assert.Equal(OperatingSystem.IsWindows(), DirectorySync.Flush(Path.Combine(_directory.Path, "missing")));
    }

    [Fact]
    public void CreateDirectory_MissingParents_CreatesEveryLevelAndLeavesAnExistingOneAlone()
    {
        string deep = Path.Combine(_directory.Path, "a", "b", "c");
        File.WriteAllText(Path.Combine(_directory.Path, "keep.txt"), "x");

        DirectorySync.CreateDirectory(deep);
        DirectorySync.CreateDirectory(deep);

        Assert.True(Directory.Exists(deep));
        Assert.Equal("x", File.ReadAllText(Path.Combine(_directory.Path, "keep.txt")));
    }

    [Fact]
    public async Task RegisterVersion_EveryRenameIsFollowedByAFlushOfItsDirectory()
    {
        using var registry = new FileSystemModelRegistry(new FileSystemRegistryOptions { RootPath = _directory.Path });
        var points = new List<string>();
        registry.Fault = point =>
        {
            lock (points)
            {
                points.Add(point);
            }
        };

        await registry.RegisterVersionAsync(new RegisterVersionRequest(ModelName.Parse("taxi"), [ModelArtifact.FromBytes(new byte[] { 1, 2, 3 })]));

        int renames = points.Count(p => p == "renamed");
        Assert.True(renames >= 2, $"expected the model and version documents to be written, saw: {string.Join(", ", points)}");
        for (int i = 0; i < points.Count; i++)
        {
            if (points[i] == "renamed")
            {
                Assert.Equal("directory-flushed", points[i + 1]);
            }
        }
    }
}
