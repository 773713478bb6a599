namespace MLOps.Cli.Data;

/// <summary>A tabular file read as a stream of <see cref="RowBlock"/>s.</summary>
internal interface ITableSource : IDisposable
{
    /// <summary>The file's path as the user gave it (used in messages).</summary>
    string Path { get; }

    /// <summary>The column names, in file order.</summary>
    IReadOnlyList<string> ColumnNames { get; }

    /// <summary>How far reading has got, 0 to 1 (for the progress bar).</summary>
    double Progress { get; }

    /// <summary>The column types the file itself declares (Parquet), or infers them by reading it once (CSV; see the README).</summary>
    IReadOnlyList<ColumnType?> DetectTypes(IReadOnlySet<string> textColumns);

    /// <summary>The type a column has in the file, for messages.</summary>
    string DescribeType(int column);

    /// <summary>Reads the file from the start, parsing the given columns. Each block is reused after the next one is asked for.</summary>
    IEnumerable<RowBlock> Read(IReadOnlyList<ColumnSpec> columns);
}
