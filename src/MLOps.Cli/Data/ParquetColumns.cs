using System.Globalization;
using System.Numerics;
using Parquet;
using Parquet.Schema;

namespace MLOps.Cli.Data;

/// <summary>Reads one column of a Parquet row group as doubles (NaN for null) or strings.</summary>
internal static class ParquetColumns
{
    public static bool IsNumber(Type type) =>
        type == typeof(double) || type == typeof(float) || type == typeof(int) || type == typeof(long) ||
        type == typeof(short) || type == typeof(byte) || type == typeof(sbyte) || type == typeof(ushort) ||
        type == typeof(uint) || type == typeof(ulong) || type == typeof(decimal);

    /// <summary>UTF-8 string columns (Parquet.Net 6 reports them as <see cref="ReadOnlyMemory{T}"/> of char).</summary>
    public static bool IsText(Type type) => type == typeof(string) || type == typeof(ReadOnlyMemory<char>);

    public static double[] ReadNumbers(ParquetRowGroupReader group, DataField field, int rows)
    {
        Type type = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        return type == typeof(double) ? Read<double>(group, field, rows)
            : type == typeof(float) ? Read<float>(group, field, rows)
            : type == typeof(int) ? Read<int>(group, field, rows)
            : type == typeof(long) ? Read<long>(group, field, rows)
            : type == typeof(short) ? Read<short>(group, field, rows)
            : type == typeof(byte) ? Read<byte>(group, field, rows)
            : type == typeof(sbyte) ? Read<sbyte>(group, field, rows)
            : type == typeof(ushort) ? Read<ushort>(group, field, rows)
            : type == typeof(uint) ? Read<uint>(group, field, rows)
            : type == typeof(ulong) ? Read<ulong>(group, field, rows)
            : type == typeof(decimal) ? Read<decimal>(group, field, rows)
            : type == typeof(bool) ? ReadBooleans(group, field, rows)
            : throw new CliException($"column '{field.Name}' of type {type.Name} cannot be read as a number.");
    }

    public static string?[] ReadTexts(ParquetRowGroupReader group, DataField field, int rows)
    {
        Type type = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        if (IsText(type))
        {
            var values = new string?[rows];
            group.ReadAsync(field, values.AsMemory(), null).AsTask().GetAwaiter().GetResult();
            var texts = new string?[rows];
            for (int i = 0; i < rows; i++)
            {
                texts[i] = string.IsNullOrEmpty(values[i]) ? null : values[i];
            }

            return texts;
        }

        // A number or boolean column the reference profile holds as categorical: its values as text.
        double[] numbers = ReadNumbers(group, field, rows);
        var result = new string?[rows];
        for (int i = 0; i < rows; i++)
        {
            result[i] = double.IsNaN(numbers[i]) ? null
                : type == typeof(bool) ? (numbers[i] != 0 ? bool.TrueString : bool.FalseString)
                : numbers[i].ToString(CultureInfo.InvariantCulture);
        }

        return result;
    }

    private static double[] Read<T>(ParquetRowGroupReader group, DataField field, int rows)
        where T : struct, INumberBase<T>
    {
        var result = new double[rows];
        if (field.IsNullable)
        {
            var values = new T?[rows];
            group.ReadAsync(field, values.AsMemory(), null).AsTask().GetAwaiter().GetResult();
            for (int i = 0; i < rows; i++)
            {
                result[i] = values[i] is { } v ? double.CreateTruncating(v) : double.NaN;
            }
        }
        else
        {
            var values = new T[rows];
            group.ReadAsync(field, values.AsMemory(), null).AsTask().GetAwaiter().GetResult();
            for (int i = 0; i < rows; i++)
            {
                result[i] = double.CreateTruncating(values[i]);
            }
        }

        return result;
    }

    private static double[] ReadBooleans(ParquetRowGroupReader group, DataField field, int rows)
    {
        var result = new double[rows];
        if (field.IsNullable)
        {
            var values = new bool?[rows];
            group.ReadAsync(field, values.AsMemory(), null).AsTask().GetAwaiter().GetResult();
            for (int i = 0; i < rows; i++)
            {
                result[i] = values[i] is { } v ? (v ? 1 : 0) : double.NaN;
            }
        }
        else
        {
            var values = new bool[rows];
            group.ReadAsync(field, values.AsMemory(), null).AsTask().GetAwaiter().GetResult();
            for (int i = 0; i < rows; i++)
            {
                result[i] = values[i] ? 1 : 0;
            }
        }

        return result;
    }
}
