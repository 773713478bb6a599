using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MLOps.Registry.Internal;
using MLOps.Shared.FileSystem;

namespace MLOps.Registry.FileSystem;

/// <summary>
/// A model's <c>audit.jsonl</c>: one event per line, each written with its identifier first (<c>{"id":"…",…}</c>) so a
/// pending event (<see cref="PendingAuditEvent"/>) can be found and is never appended twice.
/// </summary>
internal static class AuditLog
{
    private static readonly byte[] IdPrefix = "{\"id\":\""u8.ToArray();

    /// <summary>The current length of the file (0 if it does not exist yet).</summary>
    public static long LengthOf(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? info.Length : 0;
    }

    /// <summary>The identifier of a line written by <see cref="Line"/>, or <see langword="null"/> for a line without one.</summary>
    public static string? IdOf(ReadOnlySpan<byte> line)
    {
        if (!line.StartsWith(IdPrefix))
        {
            return null;
        }

        ReadOnlySpan<byte> rest = line[IdPrefix.Length..];
        int end = rest.IndexOf((byte)'"');
        return end <= 0 ? null : Encoding.UTF8.GetString(rest[..end]);
    }

    /// <summary>Whether the line of <paramref name="entry"/> is in the file (it can only be at or after its offset).</summary>
    public static bool Contains(string path, PendingAuditEvent entry)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }

        using (stream)
        {
            // A torn tail cut by the append moves the line before the recorded offset: start at the line holding it.
            long start = Math.Min(entry.Offset, stream.Length);
            while (start > 0)
            {
                stream.Seek(start - 1, SeekOrigin.Begin);
                if (stream.ReadByte() == '\n')
                {
                    break;
                }

                start--;
            }

            stream.Seek(start, SeekOrigin.Begin);
            byte[] wanted = [.. IdPrefix, .. Encoding.UTF8.GetBytes(entry.Id), (byte)'"'];
            using var reader = new BufferedLineReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (line.AsSpan().StartsWith(wanted))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The line of an event: its identifier first, then the event's fields, then a newline.</summary>
    public static byte[] Line(PendingAuditEvent entry)
    {
        var line = new JsonObject { ["id"] = entry.Id };
        foreach ((string key, JsonNode? value) in JsonSerializer.SerializeToNode(entry.Event, RegistryJson.Compact)!.AsObject())
        {
            line[key] = value?.DeepClone();
        }

        return [.. JsonSerializer.SerializeToUtf8Bytes(line, RegistryJson.Compact), (byte)'\n'];
    }

    /// <summary>Appends the events' lines (after cutting a torn last line of a writer killed mid-append) and flushes to disk.</summary>
    public static async Task AppendAsync(string path, IEnumerable<PendingAuditEvent> entries, Action<string>? fault)
    {
        byte[] lines = [.. entries.SelectMany(Line)];
        if (lines.Length == 0)
        {
            return;
        }

        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, 4096, FileOptions.None);
        await using (stream.ConfigureAwait(false))
        {
            JsonLines.RepairTornTail(stream);
            stream.Seek(0, SeekOrigin.End);
            fault?.Invoke("audit-appending");
            await stream.WriteAsync(lines).ConfigureAwait(false);
            fault?.Invoke("audit-appended");
            stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>Reads lines as bytes (the file is UTF-8 JSON lines).</summary>
    private sealed class BufferedLineReader(Stream stream) : IDisposable
    {
        private readonly BufferedStream _buffer = new(stream, 65536);
        private readonly MemoryStream _line = new();

        public byte[]? ReadLine()
        {
            _line.SetLength(0);
            int b;
            while ((b = _buffer.ReadByte()) >= 0)
            {
                if (b == '\n')
                {
                    return _line.ToArray();
                }

                _line.WriteByte((byte)b);
            }

            return null;   // an unterminated last line is torn (the next append cuts it): not a recorded event
        }

        public void Dispose()
        {
            _line.Dispose();
            _buffer.Dispose();
        }
    }
}
