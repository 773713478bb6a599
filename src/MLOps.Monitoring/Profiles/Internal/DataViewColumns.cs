using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLOps.Monitoring.Profiles.Internal;

/// <summary>Reads the scalar columns of an ML.NET <see cref="IDataView"/> into <see cref="FeatureColumn"/>s.</summary>
internal static class DataViewColumns
{
    /// <summary>Which columns are features: numbers, booleans and text (categorical) that are not hidden, vectors and keys are skipped.</summary>
    public static List<(DataViewSchema.Column Column, FeatureKind Kind)> Select(DataViewSchema schema, ProfileOptions options)
    {
        var selected = new List<(DataViewSchema.Column, FeatureKind)>();
        foreach (DataViewSchema.Column column in schema)
        {
            if (column.IsHidden || (options.Include.Count > 0 && !options.Include.Contains(column.Name)))
            {
                continue;
            }

            FeatureRole role = options.Roles.TryGetValue(column.Name, out FeatureRole r) ? r : FeatureRole.Auto;
            if (role is FeatureRole.Ignore or FeatureRole.Text)
            {
                continue;
            }

            DataViewType type = column.Type;
            FeatureKind? kind = (type, role) switch
            {
                (NumberDataViewType, FeatureRole.Categorical) => FeatureKind.Categorical,
                (NumberDataViewType, _) => FeatureKind.Numeric,
                (BooleanDataViewType, FeatureRole.Numeric) => FeatureKind.Numeric,
                (BooleanDataViewType, FeatureRole.Categorical) => FeatureKind.Categorical,
                (BooleanDataViewType, _) => FeatureKind.Boolean,
                (TextDataViewType, FeatureRole.Auto or FeatureRole.Categorical) => FeatureKind.Categorical,
                _ => null,
            };
            if (kind is not null)
            {
                selected.Add((column, kind.Value));
            }
        }

        return selected;
    }

    public static List<FeatureColumn> Read(IDataView data, IReadOnlyList<(DataViewSchema.Column Column, FeatureKind Kind)> columns)
    {
        var numbers = new List<double>?[columns.Count];
        var texts = new List<string?>?[columns.Count];
        using DataViewRowCursor cursor = data.GetRowCursor(columns.Select(c => c.Column));
        (Func<double>? Number, Func<string?>? Text)[] readers = Readers(cursor, columns);
        for (int i = 0; i < columns.Count; i++)
        {
            if (readers[i].Text is not null)
            {
                texts[i] = [];
            }
            else
            {
                numbers[i] = [];
            }
        }

        while (cursor.MoveNext())
        {
            for (int i = 0; i < columns.Count; i++)
            {
                if (texts[i] is { } t)
                {
                    t.Add(readers[i].Text!());
                }
                else
                {
                    numbers[i]!.Add(readers[i].Number!());
                }
            }
        }

        var result = new List<FeatureColumn>(columns.Count);
        for (int i = 0; i < columns.Count; i++)
        {
            result.Add(new FeatureColumn(columns[i].Column.Name, columns[i].Kind, numbers[i]?.ToArray(), texts[i]?.ToArray()));
        }

        return result;
    }

    /// <summary>
    /// Getters of the current row of <paramref name="cursor"/>, one per column: a text reader for categorical columns
    /// (numbers become their category text), a number reader otherwise (booleans as 0/1).
    /// </summary>
    public static (Func<double>? Number, Func<string?>? Text)[] Readers(DataViewRowCursor cursor, IReadOnlyList<(DataViewSchema.Column Column, FeatureKind Kind)> columns)
    {
        var readers = new (Func<double>?, Func<string?>?)[columns.Count];
        for (int i = 0; i < columns.Count; i++)
        {
            (DataViewSchema.Column column, FeatureKind kind) = columns[i];
            readers[i] = kind == FeatureKind.Categorical ? (null, TextReader(cursor, column)) : (NumberReader(cursor, column), null);
        }

        return readers;
    }

    private static Func<double> NumberReader(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        Type raw = column.Type.RawType;
        if (raw == typeof(float))
        {
            ValueGetter<float> g = cursor.GetGetter<float>(column);
            return () => { float v = 0; g(ref v); return v; };
        }

        if (raw == typeof(double))
        {
            ValueGetter<double> g = cursor.GetGetter<double>(column);
            return () => { double v = 0; g(ref v); return v; };
        }

        if (raw == typeof(bool))
        {
            ValueGetter<bool> g = cursor.GetGetter<bool>(column);
            return () => { bool v = false; g(ref v); return v ? 1 : 0; };
        }

        if (raw == typeof(int))
        {
            ValueGetter<int> g = cursor.GetGetter<int>(column);
            return () => { int v = 0; g(ref v); return v; };
        }

        if (raw == typeof(long))
        {
            ValueGetter<long> g = cursor.GetGetter<long>(column);
            return () => { long v = 0; g(ref v); return v; };
        }

        if (raw == typeof(uint))
        {
            ValueGetter<uint> g = cursor.GetGetter<uint>(column);
            return () => { uint v = 0; g(ref v); return v; };
        }

        if (raw == typeof(ulong))
        {
            ValueGetter<ulong> g = cursor.GetGetter<ulong>(column);
            return () => { ulong v = 0; g(ref v); return v; };
        }

        if (raw == typeof(short))
        {
            ValueGetter<short> g = cursor.GetGetter<short>(column);
            return () => { short v = 0; g(ref v); return v; };
        }

        if (raw == typeof(ushort))
        {
            ValueGetter<ushort> g = cursor.GetGetter<ushort>(column);
            return () => { ushort v = 0; g(ref v); return v; };
        }

        if (raw == typeof(byte))
        {
            ValueGetter<byte> g = cursor.GetGetter<byte>(column);
            return () => { byte v = 0; g(ref v); return v; };
        }

        if (raw == typeof(sbyte))
        {
            ValueGetter<sbyte> g = cursor.GetGetter<sbyte>(column);
            return () => { sbyte v = 0; g(ref v); return v; };
        }

        throw new NotSupportedException($"Column '{column.Name}' of type {column.Type} is not supported.");
    }

    private static Func<string?> TextReader(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        if (column.Type is TextDataViewType)
        {
            ValueGetter<ReadOnlyMemory<char>> g = cursor.GetGetter<ReadOnlyMemory<char>>(column);
            return () =>
            {
                ReadOnlyMemory<char> v = default;
                g(ref v);
                return v.Length == 0 ? null : v.ToString();
            };
        }

        Func<double> number = NumberReader(cursor, column);
        Type valueType = column.Type.RawType;
        return () =>
        {
            double v = number();
            return double.IsNaN(v) ? null : MemberFeature<object>.CategoryText(valueType, v);
        };
    }
}
