using System.Security.Cryptography;
using MLOps.Registry.Internal;
using MLOps.Registry.Tracking;
using MLOps.Shared.FileSystem;

namespace MLOps;

// The artifacts of a run: stored with their SHA-256, read back verified.
public sealed partial class FileSystemExperimentTracker
{
    /// <inheritdoc/>
    public async Task<RunArtifact> LogArtifactAsync(string runId, string path, Stream content, CancellationToken cancellationToken = default)
    {
        ValidateRunId(runId, nameof(runId));
        ModelArtifact.ValidatePath(path, nameof(path));
        ArgumentNullException.ThrowIfNull(content);
        string target = ArtifactFile(runId, path);
        RunDocument current = await RequireRunAsync(runId, cancellationToken).ConfigureAwait(false);
        EnsureCanLog(current, path);

        string tempDir = Path.Combine(RunDir(runId), TempDirName);
        Directory.CreateDirectory(tempDir);
        string temp = Path.Combine(tempDir, Guid.NewGuid().ToString("N"));
        try
        {
            string sha256;
            long length;
            var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                byte[] buffer = new byte[81920];
                int n;
                while ((n = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, n);
                    await file.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                }

                file.Flush(flushToDisk: true);
                length = file.Length;
                sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            RunArtifact artifact = new(path, sha256, length, _time.GetUtcNow());
            await UpdateRunAsync(runId, requireRunning: true, d =>
            {
                EnsureCanLog(d, path);
                Fault?.Invoke("artifact-uploaded");
                DirectorySync.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Move(temp, target, overwrite: true);
                DirectorySync.Flush(Path.GetDirectoryName(target)!);
                Fault?.Invoke("artifact-moved");
                d.Artifacts.Add(artifact);
            }, cancellationToken).ConfigureAwait(false);
            return artifact;
        }
        finally
        {
            AtomicFile.TryDelete(temp);
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<RunArtifact>> ListArtifactsAsync(string runId, CancellationToken cancellationToken = default)
    {
        ValidateRunId(runId, nameof(runId));
        RunDocument document = await RequireRunAsync(runId, cancellationToken).ConfigureAwait(false);
        return [.. document.Artifacts.OrderBy(a => a.Path, StringComparer.Ordinal)];
    }

    /// <inheritdoc/>
    public async Task<Stream> OpenArtifactAsync(string runId, string path, CancellationToken cancellationToken = default)
    {
        ValidateRunId(runId, nameof(runId));
        ModelArtifact.ValidatePath(path, nameof(path));
        RunDocument document = await RequireRunAsync(runId, cancellationToken).ConfigureAwait(false);
        RunArtifact artifact = document.Artifacts.FirstOrDefault(a => string.Equals(a.Path, path, StringComparison.Ordinal))
            ?? throw TrackingValidation.ArtifactNotFound(runId, path);
        FileStream stream;
        try
        {
            stream = new FileStream(ArtifactFile(runId, path), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ArtifactIntegrityException($"Artifact '{path}' of run {runId} is recorded but its file is missing.", ex);
        }

        return new VerifyingReadStream(stream, new ArtifactDescriptor(path, artifact.Sha256, artifact.Length));
    }


    /// <summary>The file an artifact is stored in.</summary>
    internal string ArtifactFile(string runId, string path)
    {
        string root = Path.Combine(RunDir(runId), ArtifactsDirName);
        string full = Path.GetFullPath(Path.Combine(root, path.Replace('/', Path.DirectorySeparatorChar)));
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The artifact path '{path}' leaves the run's directory.", nameof(path));
        }

        return full;
    }
}
