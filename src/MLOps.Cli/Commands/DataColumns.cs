using MLOps.Cli.Data;
using MLOps.Monitoring.Profiles;

namespace MLOps.Cli.Commands;

/// <summary>Which columns of a file <c>profile</c> and <c>drift</c> read, and how.</summary>
internal static class DataColumns
{
    /// <summary>For <c>profile</c>: every column with a type (inferred or declared), less the ignored ones.</summary>
    public static List<ColumnSpec> ForProfile(ITableSource source, IReadOnlySet<string> text, IReadOnlySet<string> ignore)
    {
        foreach (string name in text.Concat(ignore))
        {
            if (!source.ColumnNames.Contains(name, StringComparer.Ordinal))
            {
                throw new CliException($"{source.Path}: there is no column '{name}' (columns: {string.Join(", ", source.ColumnNames)}).");
            }
        }

        IReadOnlyList<ColumnType?> types = source.DetectTypes(text);
        var columns = new List<ColumnSpec>();
        for (int i = 0; i < types.Count; i++)
        {
            if (ignore.Contains(source.ColumnNames[i]))
            {
                continue;
            }

            if (types[i] is { } type)
            {
                columns.Add(new ColumnSpec(source.ColumnNames[i], i, type));
            }
            else
            {
                Output.CliOutput.Error($"{source.Path}: column '{source.ColumnNames[i]}' ({source.DescribeType(i)}) is not a number, boolean or string: left out of the profile.");
            }
        }

        if (columns.Count == 0)
        {
            throw new CliException($"{source.Path}: no column to profile.");
        }

        return columns;
    }

    /// <summary>For <c>drift</c>: the reference profile's features, typed as the profile says; a feature the file lacks is an error.</summary>
    public static List<ColumnSpec> ForReference(ITableSource source, ReferenceProfile profile)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < source.ColumnNames.Count; i++)
        {
            index[source.ColumnNames[i]] = i;
        }

        string[] missing = [.. profile.Features.Select(f => f.Name).Where(n => !index.ContainsKey(n))];
        if (missing.Length > 0)
        {
            throw new CliException(
                $"{source.Path}: missing column{(missing.Length > 1 ? "s" : "")} {string.Join(", ", missing.Select(m => $"'{m}'"))} of the reference profile " +
                $"(the file has: {string.Join(", ", source.ColumnNames)}).");
        }

        return [.. profile.Features.Select(f => new ColumnSpec(f.Name, index[f.Name], f.Kind switch
        {
            FeatureKind.Numeric => ColumnType.Number,
            FeatureKind.Boolean => ColumnType.Boolean,
            _ => ColumnType.Text,
        }))];
    }

    public static HashSet<string> Names(string[]? values) =>
        [.. (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
}
