namespace MLOps.Registry.FileSystem;

/// <summary>
/// Crash-safe file replacement: write a temporary file in the same directory, flush it to disk, then rename it over
/// the target (atomic on POSIX and NTFS). A reader sees the old or the new content, never a mix; a writer killed at any
/// point leaves at most a stray <c>*.tmp-*</c> file, which readers ignore.
/// </summary>
internal static class AtomicFile
{
    public const string TempMarker = ".tmp-";

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
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static string TempPath(string path) =>
        Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + TempMarker + Guid.NewGuid().ToString("N"));

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
