using System.Text;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>
/// Makes a .NET string storable as PostgreSQL <c>text</c>: a NUL character (which <c>text</c> cannot hold) and an
/// unpaired surrogate (which is not UTF-8) become U+FFFD. Returns the string itself when it is clean (the usual case,
/// checked without allocating), so one bad label never fails the batch it is in.
/// </summary>
internal static class PostgresText
{
    public static string? Clean(string? value)
    {
        if (value is null || (value.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0 && !value.Contains('\0', StringComparison.Ordinal)))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c == '\0')
            {
                builder.Append('\uFFFD');
            }
            else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                builder.Append(c).Append(value[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                builder.Append('\uFFFD');
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
