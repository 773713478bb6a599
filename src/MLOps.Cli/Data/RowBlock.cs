namespace MLOps.Cli.Data;

/// <summary>
/// Up to <see cref="Capacity"/> parsed rows of the selected columns, column by column: numbers and booleans (0/1) as
/// doubles with NaN for missing, text as strings with <see langword="null"/> for missing. Readers hand out a few
/// blocks at a time, so memory stays bounded however many rows a file has.
/// </summary>
internal sealed class RowBlock
{
    public const int Capacity = 4096;

    public RowBlock(IReadOnlyList<ColumnSpec> columns)
    {
        Numbers = new double[columns.Count][];
        Texts = new string?[columns.Count][];
        for (int c = 0; c < columns.Count; c++)
        {
            if (columns[c].Type == ColumnType.Text)
            {
                Numbers[c] = [];
                Texts[c] = new string?[Capacity];
            }
            else
            {
                Numbers[c] = new double[Capacity];
                Texts[c] = [];
            }
        }
    }

    public int Count { get; set; }

    public double[][] Numbers { get; }

    public string?[][] Texts { get; }
}
