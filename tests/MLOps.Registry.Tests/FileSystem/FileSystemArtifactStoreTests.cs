using System.Security.Cryptography;
using MLOps.Registry.FileSystem;
using MLOps.Registry.Tests.Support;

namespace MLOps.Registry.Tests.FileSystem;

public sealed class FileSystemArtifactStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private FileSystemArtifactStore Store => new(_directory.Path);

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        await using (stream)
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            return copy.ToArray();
        }
    }

    [Fact]
    public async Task Put_ThenOpen_ReturnsTheContentWithItsSha256AndLength()
    {
        byte[] content = RandomNumberGenerator.GetBytes(300_000);

        ArtifactDescriptor stored = await Store.PutAsync("m/1/files/model.zip", new MemoryStream(content));

        Assert.Equal(new ArtifactDescriptor("m/1/files/model.zip", Convert.ToHexStringLower(SHA256.HashData(content)), content.Length), stored);
        Assert.Equal(content, await ReadAllAsync(await Store.OpenReadAsync(stored)));
        Assert.True(await Store.ExistsAsync("m/1/files/model.zip"));
        Assert.Empty(Directory.GetFiles(Path.Combine(_directory.Path, "m", "1", "files"), "*.tmp-*"));
    }

    [Fact]
    public async Task Open_WithADifferentRecordedHash_ThrowsAtTheEndOfTheStream()
    {
        ArtifactDescriptor stored = await Store.PutAsync("a.bin", new MemoryStream(new byte[] { 1, 2, 3 }));

        var ex = await Assert.ThrowsAsync<ArtifactIntegrityException>(async () =>
            await ReadAllAsync(await Store.OpenReadAsync(stored with { Sha256 = new string('0', 64) })));

        Assert.Contains("SHA-256", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_MissingOrWrongLength_ThrowsAtOpen()
    {
        ArtifactDescriptor stored = await Store.PutAsync("a.bin", new MemoryStream(new byte[] { 1, 2, 3 }));

        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => Store.OpenReadAsync(stored with { Length = 4 }));
        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => Store.OpenReadAsync(stored with { Path = "missing.bin" }));
    }

    [Fact]
    public async Task Put_SourceFailsMidway_LeavesNothingBehind()
    {
        await Assert.ThrowsAsync<IOException>(() => Store.PutAsync("x/y.bin", new FailingStream()));

        Assert.False(await Store.ExistsAsync("x/y.bin"));
        Assert.Empty(Directory.GetFiles(_directory.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Delete_RemovesTheBlobOnce()
    {
        await Store.PutAsync("a.bin", new MemoryStream(new byte[] { 1 }));

        Assert.True(await Store.DeleteAsync("a.bin"));
        Assert.False(await Store.DeleteAsync("a.bin"));
    }

    [Theory]
    [InlineData("../escape.bin")]
    [InlineData("/abs.bin")]
    [InlineData("a/../../escape.bin")]
    [InlineData("a\\..\\b")]
    public async Task Keys_WithTraversalOrAbsolutePaths_AreRejectedAndNothingIsWritten(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync(key, new MemoryStream(new byte[] { 1 })));

        Assert.Empty(Directory.GetFileSystemEntries(_directory.Path));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(_directory.Path)!, "escape.bin")));
    }

    public void Dispose() => _directory.Dispose();

    private sealed class FailingStream : Stream
    {
        private int _reads;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) =>
            ++_reads < 3 ? Math.Min(count, 1000) : throw new IOException("source failed");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
