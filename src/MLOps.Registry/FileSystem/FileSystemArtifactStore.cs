using System.Security.Cryptography;
using MLOps.Registry.Internal;
using MLOps.Shared.FileSystem;

namespace MLOps.Registry.FileSystem;

/// <summary>
/// Blobs as files under a root directory. Keys are validated (no traversal, no absolute paths) and the resolved path
/// is checked to stay under the root. A put writes a temporary file, hashes while copying, flushes to disk and
/// renames atomically.
/// </summary>
internal sealed class FileSystemArtifactStore : IArtifactStore
{
    private readonly string _root;

    public FileSystemArtifactStore(string root) => _root = Path.GetFullPath(root);

    internal Action<string>? Fault { get; set; }

    public string PathOf(string key)
    {
        ModelArtifact.ValidatePath(key, nameof(key));
        string full = Path.GetFullPath(Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar)));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The artifact key '{key}' resolves outside the artifact store.", nameof(key));
        }

        return full;
    }

    public async Task<ArtifactDescriptor> PutAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        string path = PathOf(key);
        DirectorySync.CreateDirectory(Path.GetDirectoryName(path)!);
        string temp = AtomicFile.TempPath(path);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long length = 0;
            var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                byte[] buffer = new byte[81920];
                int n;
                while ((n = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, n);
                    await file.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                    length += n;
                    Fault?.Invoke("artifact-chunk-written");
                }

                file.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
            Fault?.Invoke("artifact-renamed");
            DirectorySync.Flush(Path.GetDirectoryName(path)!);
            return new ArtifactDescriptor(key, Convert.ToHexStringLower(hash.GetHashAndReset()), length);
        }
        catch
        {
            AtomicFile.TryDelete(temp);
            throw;
        }
    }

    public Task<Stream> OpenReadAsync(ArtifactDescriptor expected, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expected);
        string path = PathOf(expected.Path);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ArtifactIntegrityException(expected.Path, "the stored file is missing.");
        }

        if (stream.Length != expected.Length)
        {
            long actual = stream.Length;
            stream.Dispose();
            throw new ArtifactIntegrityException(
                expected.Path, $"it has {actual} bytes, {expected.Length} were recorded ({(actual < expected.Length ? "truncated" : "tampered")}).");
        }

        return Task.FromResult<Stream>(new VerifyingReadStream(stream, expected));
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => Task.FromResult(File.Exists(PathOf(key)));

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        string path = PathOf(key);
        if (!File.Exists(path))
        {
            return Task.FromResult(false);
        }

        File.Delete(path);
        return Task.FromResult(true);
    }
}
