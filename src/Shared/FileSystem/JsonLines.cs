namespace MLOps.Shared.FileSystem;

/// <summary>
/// Append-only JSON-lines files: one record per line, each line ending in <c>\n</c>. A writer killed mid-append leaves
/// at most a torn last line (no newline); readers skip it, and the next append deals with it.
/// </summary>
internal static class JsonLines
{
    /// <summary>Whether the file is empty or its last byte is a newline, so an append starts on a line of its own.</summary>
    public static bool EndsWithCompleteLine(FileStream stream)
    {
        long length = stream.Length;
        if (length == 0)
        {
            return true;
        }

        stream.Seek(length - 1, SeekOrigin.Begin);
        return stream.ReadByte() == '\n';
    }

    /// <summary>
    /// Cuts a torn last line (a writer killed mid-append) back to the last newline, so the next line starts on its own
    /// and the fragment is gone. The stream's position is left anywhere: seek to the end before appending.
    /// </summary>
    public static void RepairTornTail(FileStream stream)
    {
        if (EndsWithCompleteLine(stream))
        {
            return;
        }

        byte[] buffer = new byte[4096];
        long end = stream.Length;
        while (end > 0)
        {
            int count = (int)Math.Min(buffer.Length, end);
            stream.Seek(end - count, SeekOrigin.Begin);
            stream.ReadExactly(buffer, 0, count);
            int index = Array.LastIndexOf(buffer, (byte)'\n', count - 1);
            if (index >= 0)
            {
                stream.SetLength(end - count + index + 1);
                return;
            }

            end -= count;
        }

        stream.SetLength(0);
    }
}
