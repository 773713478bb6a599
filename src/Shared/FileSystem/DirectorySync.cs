using System.Runtime.InteropServices;

namespace MLOps.Shared.FileSystem;

/// <summary>
/// Makes a rename or a new directory entry durable: on Linux and macOS a rename reaches the disk only when the directory
/// that holds the entry is flushed (<c>fsync</c> on the directory), so a power loss right after "write temp, fsync, rename"
/// could otherwise bring back the old file, or lose a new one, although the call returned. On Windows NTFS journals the
/// rename itself and there is nothing to do.
/// </summary>
/// <remarks>
/// Flushing is best effort: a file system that cannot flush a directory (some network and FUSE file systems answer
/// EINVAL or ENOTSUP) does not fail the write, as SQLite and PostgreSQL also tolerate.
/// </remarks>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0;   // O_RDONLY on Linux and macOS

    // Set when the C library cannot be loaded (an unusual libc): flushing is then skipped, never a failed write.
    private static volatile bool s_unavailable;

    /// <summary>
    /// Flushes <paramref name="directory"/>'s entries to disk; returns false when the file system or platform cannot.
    /// Never throws: it runs after a rename, when the new state is already in place.
    /// </summary>
    public static bool Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        if (s_unavailable)
        {
            return false;
        }

        try
        {
            int fd = Open(directory, ReadOnly);
            if (fd < 0)
            {
                return false;
            }

            try
            {
                return FSync(fd) == 0;
            }
            finally
            {
                _ = Close(fd);
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true;
            return false;
        }
    }

    /// <summary>
    /// Creates <paramref name="directory"/> and any missing parents, then flushes the parent of each directory it created,
    /// so the new entries survive a power loss.
    /// </summary>
    public static void CreateDirectory(string directory)
    {
        string full = Path.GetFullPath(directory);
        if (Directory.Exists(full))
        {
            return;
        }

        // The missing ancestors, from the deepest existing one down.
        var created = new List<string>();
        for (string? current = full; current is not null && !Directory.Exists(current); current = Path.GetDirectoryName(current))
        {
            created.Add(current);
        }

        Directory.CreateDirectory(full);
        for (int i = created.Count - 1; i >= 0; i--)
        {
            if (Path.GetDirectoryName(created[i]) is { } parent)
            {
                Flush(parent);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
