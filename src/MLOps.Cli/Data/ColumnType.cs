namespace MLOps.Cli.Data;

/// <summary>How a column's text is read.</summary>
internal enum ColumnType
{
    /// <summary>A number (invariant culture); empty is missing (NaN).</summary>
    Number,

    /// <summary><c>true</c>/<c>false</c> (any case) or <c>1</c>/<c>0</c>; empty is missing.</summary>
    Boolean,

    /// <summary>Text, a category; empty is missing.</summary>
    Text,
}

/// <summary>A column to read: its name, its index in the file and how to read it.</summary>
internal readonly record struct ColumnSpec(string Name, int Index, ColumnType Type);
