using System.Globalization;
using System.Text;
using nietras.SeparatedValues;

namespace MLOps.Cli.Data;

/// <summary>
/// A CSV file read with Sep: a header row, then rows with as many fields. The file is streamed (a Sep buffer and a few
/// <see cref="RowBlock"/>s are all that is held), decoded as strict UTF-8 (an invalid byte is an error naming its line
/// and column), and every problem is a <see cref="CliException"/> naming the file, the line and the column.
/// </summary>
internal sealed class CsvSource : ITableSource
{
    private const int Ring = 4;
    private readonly char _separator;
    private readonly long _length;
    private CountingStream? _counter;

    private CsvSource(string path, char separator, string[] columnNames, long length)
    {
        Path = path;
        _separator = separator;
        ColumnNames = columnNames;
        _length = length;
    }

    public string Path { get; }

    public IReadOnlyList<string> ColumnNames { get; }

    public double Progress => _counter is { } c && _length > 0 ? Math.Min(1, (double)c.BytesRead / _length) : 0;

    /// <summary>Opens the file and reads its header.</summary>
    public static CsvSource Open(string path, char separator)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new CliException($"{path}: no such file.");
        }

        if (info.Length == 0)
        {
            throw new CliException($"{path}: the file is empty (a CSV file needs a header row and at least one row).");
        }

        string[] names = Guard(path, () =>
        {
            try
            {
                using SepReader reader = CreateReader(path, separator, out _);
                return reader.Header.ColNames.ToArray();
            }
            catch (ArgumentException ex)
            {
                // Sep refuses a header that repeats a name: say which, in the same words as the other header checks.
                string first = File.ReadLines(path, Utf8Location.Strict).FirstOrDefault() ?? "";
                string[] raw = first.Split(separator);
                string? repeated = raw.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
                throw new CliException(repeated is null
                    ? $"{path}:1: the header row is not valid ({ex.Message})."
                    : $"{path}:1: column {Array.LastIndexOf(raw, repeated) + 1} of the header repeats the name '{repeated}'.");
            }
        });
        if (names.Length > 0)
        {
            names[0] = names[0].TrimStart('\uFEFF'); // a UTF-8 byte order mark
        }

        if (names.Length == 0 || (names.Length == 1 && names[0].Length == 0))
        {
            throw new CliException($"{path}:1: the header row is empty.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
        {
            if (names[i].Length == 0)
            {
                throw new CliException($"{path}:1: column {i + 1} of the header has no name.");
            }

            if (!seen.Add(names[i]))
            {
                throw new CliException($"{path}:1: column {i + 1} of the header repeats the name '{names[i]}'.");
            }
        }

        return new CsvSource(path, separator, names, info.Length);
    }

    public IReadOnlyList<ColumnType?> DetectTypes(IReadOnlySet<string> textColumns)
    {
        // The rule (README): a column whose every non-empty value is true/false (and none empty) is boolean; one whose
        // every non-empty value is a number is numeric; anything else, and every column named in textColumns, is text.
        int n = ColumnNames.Count;
        bool[] number = new bool[n];
        bool[] boolean = new bool[n];
        bool[] hasEmpty = new bool[n];
        bool[] hasValue = new bool[n];
        Array.Fill(number, true);
        Array.Fill(boolean, true);
        long rows = 0;
        Guard(Path, () =>
        {
            using SepReader reader = CreateReader(Path, _separator, out _counter);
            foreach (SepReader.Row row in reader)
            {
                CheckWidth(row, n);
                rows++;
                for (int c = 0; c < n; c++)
                {
                    if (!number[c] && !boolean[c])
                    {
                        continue;
                    }

                    SepReader.Col col = row[c];
                    ReadOnlySpan<char> span = col.Span;
                    if (span.IsEmpty)
                    {
                        hasEmpty[c] = true;
                        continue;
                    }

                    hasValue[c] = true;
                    if (number[c] && !TryParseNumber(col, out _))
                    {
                        number[c] = false;
                    }

                    if (boolean[c] && !IsBooleanWord(span))
                    {
                        boolean[c] = false;
                    }
                }
            }

            return 0;
        });
        if (rows == 0)
        {
            throw new CliException($"{Path}: the file has a header but no rows.");
        }

        var types = new ColumnType?[n];
        for (int c = 0; c < n; c++)
        {
            types[c] = textColumns.Contains(ColumnNames[c]) ? ColumnType.Text
                : boolean[c] && hasValue[c] && !hasEmpty[c] ? ColumnType.Boolean
                : number[c] ? ColumnType.Number
                : ColumnType.Text;
        }

        return types;
    }

    public string DescribeType(int column) => "text";

    public IEnumerable<RowBlock> Read(IReadOnlyList<ColumnSpec> columns)
    {
        var ring = new RowBlock[Ring];
        for (int i = 0; i < Ring; i++)
        {
            ring[i] = new RowBlock(columns);
        }

        var interners = new TextInterner?[columns.Count];
        for (int c = 0; c < columns.Count; c++)
        {
            interners[c] = columns[c].Type == ColumnType.Text ? new TextInterner() : null;
        }

        int width = ColumnNames.Count;
        SepReader reader = Guard(Path, () => CreateReader(Path, _separator, out _counter));
        try
        {
            int next = 0;
            RowBlock block = ring[0];
            block.Count = 0;
            while (Guard(Path, reader.MoveNext))
            {
                SepReader.Row row = reader.Current;
                CheckWidth(row, width);
                int r = block.Count;
                for (int c = 0; c < columns.Count; c++)
                {
                    ColumnSpec spec = columns[c];
                    SepReader.Col col = row[spec.Index];
                    ReadOnlySpan<char> span = col.Span;
                    switch (spec.Type)
                    {
                        case ColumnType.Number:
                            block.Numbers[c][r] = span.IsEmpty ? double.NaN : ParseNumber(col, row, spec);
                            break;
                        case ColumnType.Boolean:
                            block.Numbers[c][r] = span.IsEmpty ? double.NaN : ParseBoolean(span, row, spec);
                            break;
                        default:
                            block.Texts[c][r] = span.IsEmpty ? null : interners[c]!.Get(span);
                            break;
                    }
                }

                if (++block.Count == RowBlock.Capacity)
                {
                    yield return block;
                    next = (next + 1) % Ring;
                    block = ring[next];
                    block.Count = 0;
                }
            }

            if (block.Count > 0)
            {
                yield return block;
            }
        }
        finally
        {
            reader.Dispose();
        }
    }

    public void Dispose() => _counter?.Dispose();

    private static SepReader CreateReader(string path, char separator, out CountingStream counter)
    {
        counter = new CountingStream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan));
        var text = new StreamReader(counter, Utf8Location.Strict, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
        return Sep.New(separator).Reader(o => o with { DisableColCountCheck = true, Unescape = true, HasHeader = true }).From(text);
    }

    private static bool IsBooleanWord(ReadOnlySpan<char> span) =>
        span.Equals("true", StringComparison.OrdinalIgnoreCase) || span.Equals("false", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Sep's parser (csFastFloat, invariant culture) first, about three times faster than <see cref="double.TryParse(ReadOnlySpan{char}, NumberStyles, IFormatProvider?, out double)"/>;
    /// what it refuses gets the BCL's <see cref="NumberStyles.Float"/> rules (surrounding spaces, for example), so the two agree on what a number is.
    /// </summary>
    private static bool TryParseNumber(SepReader.Col col, out double value)
    {
        if (col.TryParse<double>() is { } fast)
        {
            value = fast;
            return true;
        }

        return double.TryParse(col.Span, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    private double ParseNumber(SepReader.Col col, SepReader.Row row, ColumnSpec spec)
    {
        if (TryParseNumber(col, out double value))
        {
            return value;
        }

        throw new CliException($"{Path}:{row.LineNumberFrom}: column '{spec.Name}' (field {spec.Index + 1}) has '{Shorten(col.Span)}', which is not a number; the column is numeric.");
    }

    private double ParseBoolean(ReadOnlySpan<char> span, SepReader.Row row, ColumnSpec spec)
    {
        if (span.Equals("true", StringComparison.OrdinalIgnoreCase) || span.SequenceEqual("1"))
        {
            return 1;
        }

        if (span.Equals("false", StringComparison.OrdinalIgnoreCase) || span.SequenceEqual("0"))
        {
            return 0;
        }

        throw new CliException($"{Path}:{row.LineNumberFrom}: column '{spec.Name}' (field {spec.Index + 1}) has '{Shorten(span)}', which is not a boolean (true, false, 1 or 0); the column is boolean.");
    }

    private void CheckWidth(SepReader.Row row, int width)
    {
        if (row.ColCount != width)
        {
            throw new CliException($"{Path}:{row.LineNumberFrom}: the row has {row.ColCount} field(s) but the header has {width} (a ragged row).");
        }
    }

    internal static string Shorten(ReadOnlySpan<char> span) => span.Length <= 40 ? span.ToString() : string.Concat(span[..37], "...");

    /// <summary>Runs a read, turning invalid UTF-8 and Sep's format errors into messages that name the file and the place.</summary>
    private static T Guard<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (DecoderFallbackException)
        {
            (long Line, long Column, byte Byte)? at = Utf8Location.FindFirstInvalid(path);
            throw new CliException(at is { } a
                ? $"{path}:{a.Line}:{a.Column}: invalid UTF-8 (byte 0x{a.Byte:X2}); save the file as UTF-8."
                : $"{path}: invalid UTF-8; save the file as UTF-8.");
        }
        catch (InvalidDataException ex)
        {
            throw new CliException($"{path}: {ex.Message}");
        }
        catch (IOException ex)
        {
            throw new CliException($"{path}: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new CliException($"{path}: {ex.Message}");
        }
    }
}
