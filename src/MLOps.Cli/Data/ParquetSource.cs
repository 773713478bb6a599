using Parquet;
using Parquet.Schema;

namespace MLOps.Cli.Data;

/// <summary>
/// A Parquet file read with Parquet.Net, one row group at a time (memory is bounded by the largest row group, not
/// the file). Column types come from the file's schema: numbers are numeric, booleans boolean, strings text; other
/// columns (dates, binary, nested) are not features.
/// </summary>
internal sealed class ParquetSource : ITableSource
{
    private readonly Stream _stream;
    private readonly ParquetReader _reader;
    private readonly DataField[] _fields;
    private int _groupsRead;

    private ParquetSource(string path, Stream stream, ParquetReader reader)
    {
        Path = path;
        _stream = stream;
        _reader = reader;
        _fields = reader.Schema.DataFields;
        ColumnNames = [.. _fields.Select(f => f.Name)];
    }

    public string Path { get; }

    public IReadOnlyList<string> ColumnNames { get; }

    public double Progress => _reader.RowGroupCount == 0 ? 1 : (double)Volatile.Read(ref _groupsRead) / _reader.RowGroupCount;

    public static ParquetSource Open(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new CliException($"{path}: no such file.");
        }

        if (info.Length == 0)
        {
            throw new CliException($"{path}: the file is empty.");
        }

        FileStream stream = File.OpenRead(path);
        try
        {
            ParquetReader reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
            return new ParquetSource(path, stream, reader);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            stream.Dispose();
            throw new CliException($"{path}: not a readable Parquet file ({ex.Message}).");
        }
    }

    public IReadOnlyList<ColumnType?> DetectTypes(IReadOnlySet<string> textColumns)
    {
        if (_reader.RowGroups.Sum(g => g.RowCount) == 0)
        {
            throw new CliException($"{Path}: the file has no rows.");
        }

        return [.. _fields.Select(f => f.IsArray ? null : textColumns.Contains(f.Name) ? ColumnType.Text : TypeOf(f.ClrType))];
    }

    public string DescribeType(int column) => $"{_fields[column].ClrType.Name}{(_fields[column].IsArray ? "[]" : "")}";

    public IEnumerable<RowBlock> Read(IReadOnlyList<ColumnSpec> columns)
    {
        foreach (ColumnSpec spec in columns)
        {
            DataField field = _fields[spec.Index];
            ColumnType? own = field.IsArray ? null : TypeOf(field.ClrType);
            bool fits = spec.Type == ColumnType.Text || own == spec.Type || (spec.Type == ColumnType.Number && own == ColumnType.Boolean);
            if (!fits)
            {
                throw new CliException($"{Path}: column '{spec.Name}' is {field.ClrType.Name}{(field.IsArray ? "[]" : "")} in the file, which cannot be read as {spec.Type.ToString().ToLowerInvariant()}.");
            }
        }

        // A ring of blocks, as CsvSource keeps: ReadAhead hands one to the consumer while the next is filled.
        var ring = new RowBlock[4];
        for (int i = 0; i < ring.Length; i++)
        {
            ring[i] = new RowBlock(columns);
        }

        int next = 0;
        for (int g = 0; g < _reader.RowGroupCount; g++)
        {
            using ParquetRowGroupReader group = _reader.OpenRowGroupReader(g);
            int rows = checked((int)group.RowCount);
            var numbers = new double[columns.Count][];
            var texts = new string?[columns.Count][];
            for (int c = 0; c < columns.Count; c++)
            {
                DataField field = _fields[columns[c].Index];
                if (columns[c].Type == ColumnType.Text)
                {
                    texts[c] = ParquetColumns.ReadTexts(group, field, rows);
                }
                else
                {
                    numbers[c] = ParquetColumns.ReadNumbers(group, field, rows);
                }
            }

            for (int start = 0; start < rows; start += RowBlock.Capacity)
            {
                int count = Math.Min(RowBlock.Capacity, rows - start);
                RowBlock block = ring[next];
                next = (next + 1) % ring.Length;
                for (int c = 0; c < columns.Count; c++)
                {
                    if (texts[c] is { } t)
                    {
                        Array.Copy(t, start, block.Texts[c], 0, count);
                    }
                    else
                    {
                        Array.Copy(numbers[c], start, block.Numbers[c], 0, count);
                    }
                }

                block.Count = count;
                yield return block;
            }

            Interlocked.Increment(ref _groupsRead);
        }
    }

    public void Dispose()
    {
        _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _stream.Dispose();
    }

    private static ColumnType? TypeOf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(bool) ? ColumnType.Boolean
            : ParquetColumns.IsText(type) ? ColumnType.Text
            : ParquetColumns.IsNumber(type) ? ColumnType.Number
            : null;
    }
}
