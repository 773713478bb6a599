using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace MLOps.Cli.Data;

/// <summary>Finds where a file stops being valid UTF-8, as a line and column, for the error message.</summary>
internal static class Utf8Location
{
    /// <summary>The 1-based line and column (in characters) of the first invalid UTF-8 byte, and the byte itself; <see langword="null"/> when the file is valid.</summary>
    public static (long Line, long Column, byte Byte)? FindFirstInvalid(string path)
    {
        using FileStream stream = File.OpenRead(path);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        char[] chars = ArrayPool<char>.Shared.Rent(1 << 16);
        try
        {
            long line = 1;
            long column = 1;
            int carried = 0;
            while (true)
            {
                int read = stream.Read(buffer, carried, (1 << 16) - carried);
                int available = carried + read;
                bool final = read == 0;
                if (available == 0)
                {
                    return null;
                }

                OperationStatus status = Utf8.ToUtf16(buffer.AsSpan(0, available), chars, out int consumed, out int written, replaceInvalidSequences: false, isFinalBlock: final);
                foreach (char ch in chars.AsSpan(0, written))
                {
                    if (ch == '\n')
                    {
                        line++;
                        column = 1;
                    }
                    else if (!char.IsLowSurrogate(ch))
                    {
                        column++;
                    }
                }

                if (status == OperationStatus.InvalidData)
                {
                    return (line, column, buffer[consumed]);
                }

                if (final)
                {
                    return null;
                }

                carried = available - consumed;
                buffer.AsSpan(consumed, carried).CopyTo(buffer);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>A UTF-8 encoding that throws on invalid bytes instead of replacing them.</summary>
    public static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
