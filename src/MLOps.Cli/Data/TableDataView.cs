using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLOps.Cli.Data;

/// <summary>
/// An ML.NET <see cref="IDataView"/> over a <see cref="ITableSource"/>, so the library's own streamed paths
/// (<c>ReferenceProfile.Create(IDataView)</c>, <c>DriftDetector.Compare(profile, IDataView)</c>) read the file: one
/// forward cursor, no shuffling, rows taken block by block.
/// </summary>
internal sealed class TableDataView : IDataView
{
    private readonly Func<IEnumerable<RowBlock>> _blocks;

    /// <param name="path">The file, for messages.</param>
    /// <param name="columns">The columns, in the order they appear in the schema.</param>
    /// <param name="booleanAsNumber">Expose boolean columns as doubles (0, 1, NaN for missing) rather than as ML.NET booleans (which cannot be missing).</param>
    /// <param name="blocks">Reads the blocks of these columns.</param>
    public TableDataView(string path, IReadOnlyList<ColumnSpec> columns, bool booleanAsNumber, Func<IEnumerable<RowBlock>> blocks)
    {
        Path = path;
        _blocks = blocks;
        Columns = columns;
        var builder = new DataViewSchema.Builder();
        foreach (ColumnSpec column in columns)
        {
            DataViewType type = column.Type switch
            {
                ColumnType.Text => TextDataViewType.Instance,
                ColumnType.Boolean when !booleanAsNumber => BooleanDataViewType.Instance,
                _ => NumberDataViewType.Double,
            };
            builder.AddColumn(column.Name, type);
        }

        Schema = builder.ToSchema();
    }

    public string Path { get; }

    public IReadOnlyList<ColumnSpec> Columns { get; }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, _blocks().GetEnumerator());

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(TableDataView view, IEnumerator<RowBlock> blocks) : DataViewRowCursor
    {
        private RowBlock? _block;
        private int _row = -1;
        private long _position = -1;

        public override DataViewSchema Schema => view.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId value) => value = new DataViewRowId((ulong)_position, 0);

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            int c = column.Index;
            Delegate getter = typeof(TValue) == typeof(double) ? (ValueGetter<double>)((ref double value) => value = _block!.Numbers[c][_row])
                : typeof(TValue) == typeof(bool) ? (ValueGetter<bool>)((ref bool value) => value = Boolean(column.Name, _block!.Numbers[c][_row]))
                : typeof(TValue) == typeof(ReadOnlyMemory<char>) ? (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = _block!.Texts[c][_row].AsMemory())
                : throw new InvalidOperationException($"Column '{column.Name}' cannot be read as {typeof(TValue).Name}.");
            return (ValueGetter<TValue>)getter;
        }

        private bool Boolean(string name, double value) => double.IsNaN(value)
            ? throw new CliException($"{view.Path}: column '{name}' has a missing value in data row {_position + 1}; a boolean column with missing values is profiled as categorical: pass --categorical {name}.")
            : value != 0;

        public override bool MoveNext()
        {
            while (_block is null || ++_row >= _block.Count)
            {
                if (!blocks.MoveNext())
                {
                    _block = null;
                    return false;
                }

                _block = blocks.Current;
                _row = -1;
            }

            _position++;
            return true;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                blocks.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
