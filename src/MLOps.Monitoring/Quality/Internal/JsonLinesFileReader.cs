using System.Buffers;

namespace MLOps.Monitoring.Quality.Internal;

/// <summary>
/// Reads a JSON-lines file one line at a time with a pooled buffer of at most <see cref="MaxLineBytes"/>: a pull
/// reader, so callers can stream records (an async iterator yields between lines) instead of collecting a file. A line
/// longer than the limit is returned once as an empty line (unreadable, like a torn one) and never buffered whole.
/// </summary>
internal sealed class JsonLinesFileReader : IDisposable
{
    private readonly FileStream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private int _lineStart;
    private int _lineLength;
    private bool _skipping;
    private bool _eof;

    private JsonLinesFileReader(FileStream stream, int maxLineBytes)
    {
        _stream = stream;
        MaxLineBytes = maxLineBytes;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(64 * 1024, maxLineBytes));
    }

    public int MaxLineBytes { get; }

    /// <summary>The current line, without its newline (empty for an overlong line); valid until the next <see cref="MoveNext"/>.</summary>
    public ReadOnlySpan<byte> Current => _buffer.AsSpan(_lineStart, _lineLength);

    /// <summary>Opens <paramref name="path"/> for reading beside a writer; <see langword="null"/> when it was deleted meanwhile (pruned).</summary>
    public static JsonLinesFileReader? Open(string path, int maxLineBytes)
    {
        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
            return new JsonLinesFileReader(stream, maxLineBytes);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Calls <paramref name="onLine"/> with each line of a file until it returns <see langword="false"/>.</summary>
    public static void Scan(string path, int maxLineBytes, Func<ReadOnlySpan<byte>, bool> onLine)
    {
        using JsonLinesFileReader? reader = Open(path, maxLineBytes);
        if (reader is null)
        {
            return;
        }

        while (reader.MoveNext())
        {
            if (!onLine(reader.Current))
            {
                return;
            }
        }
    }

    /// <summary>Advances to the next non-empty line (or an overlong one, reported empty); <see langword="false"/> at the end of the file.</summary>
    public bool MoveNext()
    {
        while (true)
        {
            int newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                _lineStart = _start;
                _lineLength = newline;
                _start += newline + 1;
                if (_skipping)
                {
                    _skipping = false;
                    _lineLength = 0;   // the end of an overlong line: reported as one unreadable line
                    return true;
                }

                if (_lineLength > 0)
                {
                    return true;
                }

                continue;
            }

            if (_eof)
            {
                _lineStart = _start;
                _lineLength = _skipping ? 0 : _end - _start;
                bool any = _skipping || _end > _start;   // a last line without newline (possibly torn)
                _skipping = false;
                _start = _end;
                return any;
            }

            Fill();
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        byte[] buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Fill()
    {
        if (_end == _buffer.Length)
        {
            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }
            else if (_skipping || _end >= MaxLineBytes)
            {
                _skipping = true;
                _start = _end = 0;
            }
            else
            {
                byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Min(_buffer.Length * 2, MaxLineBytes));
                _buffer.AsSpan(0, _end).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }
        }

        int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }
}
