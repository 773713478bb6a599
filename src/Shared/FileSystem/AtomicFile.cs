namespace MLOps.Shared.FileSystem;

/// <summary>
/// Crash-safe file replacement: write a temporary file in the same directory, flush it to disk, rename it over the
/// target (atomic on POSIX and NTFS), then flush the directory so the rename itself survives a power loss. A reader sees
/// the old or the new content, never a mix; a writer killed at any point leaves at most a stray <c>*.tmp-*</c> file,
/// which readers ignore.
/// </summary>
internal static class AtomicFile
{
    public const string TempMarker = ".tmp-";

    /// <summary>At most this many characters of the target's name go into a temporary name (1 + 200 + 5 + 32 ≤ 255).</summary>
    public const int MaxTempNamePrefix = 200;

    public static async Task WriteAsync(string path, ReadOnlyMemory<byte> content, Action<string>? fault, CancellationToken cancellationToken)
    {
        string temp = TempPath(path);
        try
        {
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                fault?.Invoke("temp-written");
                stream.Flush(flushToDisk: true);
            }

            fault?.Invoke("temp-flushed");
            File.Move(temp, path, overwrite: true);
            fault?.Invoke("renamed");
            DirectorySync.Flush(Path.GetDirectoryName(path)!);
            fault?.Invoke("directory-flushed");
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// A temporary file next to <paramref name="path"/>: <c>.&lt;name&gt;.tmp-&lt;guid&gt;</c>, the name cut to
    /// <see cref="MaxTempNamePrefix"/> characters so that the temporary name of a file whose own name is at the file
    /// system's limit (255 bytes on ext4, NTFS, APFS) still fits.
    /// </summary>
    public static string TempPath(string path)
    {
        string name = Path.GetFileName(path);
        return Path.Combine(
            Path.GetDirectoryName(path)!, "." + (name.Length > MaxTempNamePrefix ? name[..MaxTempNamePrefix] : name) + TempMarker + Guid.NewGuid().ToString("N"));
    }

    public static bool IsTemp(string fileName) => fileName.Contains(TempMarker, StringComparison.Ordinal);

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
