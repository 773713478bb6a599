using Microsoft.ML;
using Microsoft.ML.Data;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Profiles.Internal;
using MLOps.Monitoring.Statistics;

namespace MLOps.Monitoring.Drift.Internal;

/// <summary>Fills a <see cref="Pane"/> from batch current data: rows, an <see cref="IDataView"/> or another profile.</summary>
internal static class BatchCurrent
{
    public static (Pane Pane, SchemaComparison Schema) FromRows<T>(CompiledReference reference, IEnumerable<T> rows)
    {
        var extractor = new RowExtractor<T>(reference);
        Pane pane = NewPane(reference);
        int index = 0;
        foreach (T row in rows)
        {
            if (row is null)
            {
                throw new ArgumentNullException(nameof(rows), $"Row {index} is null.");
            }

            extractor.Add(pane, row);
            index++;
        }

        return (pane, extractor.Schema);
    }

    public static (Pane Pane, SchemaComparison Schema) FromDataView(CompiledReference reference, IDataView data)
    {
        var available = new Dictionary<string, DataViewSchema.Column>(StringComparer.Ordinal);
        foreach (DataViewSchema.Column column in data.Schema)
        {
            if (!column.IsHidden)
            {
                available[column.Name] = column;
            }
        }

        var read = new List<(DataViewSchema.Column Column, FeatureKind Kind)>();
        var targets = new List<CompiledFeature>();
        var missing = new List<string>();
        var mismatched = new List<string>();
        foreach (CompiledFeature feature in reference.Features)
        {
            if (!available.TryGetValue(feature.Name, out DataViewSchema.Column column))
            {
                missing.Add(feature.Name);
                continue;
            }

            DataViewType type = column.Type;
            bool scalarNumber = type is NumberDataViewType or BooleanDataViewType;
            bool compatible = feature.Kind == FeatureKind.Categorical ? scalarNumber || type is TextDataViewType : scalarNumber;
            if (!compatible)
            {
                mismatched.Add($"{feature.Name}: {feature.Kind} → {type}");
                continue;
            }

            read.Add((column, feature.Kind));
            targets.Add(feature);
        }

        var known = reference.Profile.Features.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        string[] unexpected = [.. DataViewColumns.Select(data.Schema, new ProfileOptions()).Select(c => c.Column.Name).Where(n => !known.Contains(n))];
        // Streamed row by row into the pane (as rows of objects are): the data view is never materialized, so memory
        // stays at the pane's counts and samples however many rows the view has.
        Pane pane = NewPane(reference);
        if (read.Count == 0)
        {
            pane.Rows = CountRows(data);
            return (pane, new SchemaComparison(missing, unexpected, mismatched));
        }

        using DataViewRowCursor cursor = data.GetRowCursor(read.Select(c => c.Column));
        (Func<double>? Number, Func<string?>? Text)[] readers = DataViewColumns.Readers(cursor, read);
        var panes = new PaneFeature[read.Count];
        for (int c = 0; c < panes.Length; c++)
        {
            panes[c] = pane.Features[targets[c].Index];
        }

        long rows = 0;
        while (cursor.MoveNext())
        {
            rows++;
            for (int c = 0; c < panes.Length; c++)
            {
                if (readers[c].Text is { } text)
                {
                    panes[c].AddCategory(text());
                }
                else if (targets[c].Kind == FeatureKind.Boolean)
                {
                    panes[c].AddBoolean(readers[c].Number!());
                }
                else
                {
                    panes[c].AddNumber(readers[c].Number!());
                }
            }
        }

        pane.Rows = rows;
        return (pane, new SchemaComparison(missing, unexpected, mismatched));
    }

    public static (Pane Pane, SchemaComparison Schema) FromProfile(CompiledReference reference, ReferenceProfile current)
    {
        Pane pane = NewPane(reference);
        var missing = new List<string>();
        var mismatched = new List<string>();
        foreach (CompiledFeature feature in reference.Features)
        {
            FeatureProfile? other = current.Find(feature.Name);
            if (other is null)
            {
                missing.Add(feature.Name);
            }
            else if (other.Kind != feature.Kind)
            {
                mismatched.Add($"{feature.Name}: {feature.Kind} → {other.Kind}");
            }
            else
            {
                FillFromProfile(pane.Features[feature.Index], feature, other);
            }
        }

        var known = reference.Profile.Features.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        string[] unexpected = [.. current.Features.Select(f => f.Name).Where(n => !known.Contains(n))];
        pane.Rows = current.RowCount;
        return (pane, new SchemaComparison(missing, unexpected, mismatched));
    }

    public static (Pane Pane, SchemaComparison Schema) FromColumns(CompiledReference reference, List<FeatureColumn> columns)
    {
        var byName = new Dictionary<string, FeatureColumn>(StringComparer.Ordinal);
        foreach (FeatureColumn column in columns)
        {
            if (!byName.TryAdd(column.Name, column))
            {
                throw new ArgumentException($"Column '{column.Name}' appears more than once.", nameof(columns));
            }
        }

        Pane pane = NewPane(reference);
        var missing = new List<string>();
        var mismatched = new List<string>();
        foreach (CompiledFeature feature in reference.Features)
        {
            if (!byName.TryGetValue(feature.Name, out FeatureColumn? column))
            {
                missing.Add(feature.Name);
            }
            else if (column.Texts is not null && feature.Kind != FeatureKind.Categorical)
            {
                mismatched.Add($"{feature.Name}: {feature.Kind} → {column.Kind}");
            }
            else if (column.Numbers is { } numbers && feature.Kind == FeatureKind.Categorical)
            {
                Fill(reference, pane.Features[feature.Index], feature, new FeatureColumn(
                    column.Name,
                    FeatureKind.Categorical,
                    null,
                    [.. numbers.Select(v => double.IsNaN(v) ? null : MemberFeature<object>.CategoryText(typeof(double), v))]));
            }
            else
            {
                Fill(reference, pane.Features[feature.Index], feature, column);
            }
        }

        var known = reference.Profile.Features.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        pane.Rows = columns[0].Length;
        return (pane, new SchemaComparison(missing, [.. byName.Keys.Where(n => !known.Contains(n))], mismatched));
    }

    private static Pane NewPane(CompiledReference reference) =>
        new(reference, reference.SampleCapacity, (ulong)reference.Profile.Seed);

    private static void Fill(CompiledReference reference, PaneFeature target, CompiledFeature feature, FeatureColumn column)
    {
        if (column.Texts is { } texts)
        {
            foreach (string? text in texts)
            {
                target.AddCategory(text);
            }

            return;
        }

        if (feature.Kind == FeatureKind.Numeric)
        {
            // The whole column is at hand: one tight pass instead of the streaming window's per-value update.
            NumericColumnScan.Fill(target, feature, column.Numbers, (ulong)reference.Profile.Seed + (ulong)feature.Index);
            return;
        }

        foreach (double value in column.Numbers!)
        {
            target.AddBoolean(value);
        }
    }

    private static void FillFromProfile(PaneFeature target, CompiledFeature feature, FeatureProfile current)
    {
        if (feature.Kind != FeatureKind.Numeric)
        {
            long unseen = current.OtherCount;
            foreach ((string category, long count) in current.Categories)
            {
                int index = feature.CategoryIndex.TryGetValue(category, out int i) ? i : feature.OtherCategory;
                target.Categories[index] += count;
                if (index == feature.OtherCategory)
                {
                    unseen += count;
                }
            }

            target.Categories[feature.OtherCategory] += current.OtherCount;
            target.Set(current.Count, current.MissingCount, current.InfinityCount, 0, unseen, []);
            return;
        }

        double[] sample = [.. current.Sample];
        double scale = sample.Length == 0 ? 0 : (double)current.Count / sample.Length;
        if (current.BinEdges.SequenceEqual(feature.Edges))
        {
            for (int i = 0; i < target.Bins.Length; i++)
            {
                target.Bins[i] = current.BinCounts[i];
            }
        }
        else if (sample.Length > 0)
        {
            Binning.Count(feature.Edges, sample, target.Bins);
            for (int i = 0; i < target.Bins.Length; i++)
            {
                target.Bins[i] *= scale;
            }
        }

        if (target.Distinct is { } distinct)
        {
            if (current.DistinctValues is { } values)
            {
                for (int i = 0; i < values.Count; i++)
                {
                    int k = Array.BinarySearch(feature.Distinct!, values[i]);
                    distinct[k >= 0 ? k : distinct.Length - 1] += current.DistinctCounts![i];
                }
            }
            else
            {
                foreach (double v in sample)
                {
                    int k = Array.BinarySearch(feature.Distinct!, v);
                    distinct[k >= 0 ? k : distinct.Length - 1] += scale;
                }
            }
        }

        // Out-of-range count estimated from the sample (exact when the sample holds every value).
        long outOfRange = (long)Math.Round(sample.Count(v => v < feature.Min || v > feature.Max) * scale);
        target.Set(current.Count, current.MissingCount, current.InfinityCount, outOfRange, 0, sample);
    }

    private static long CountRows(IDataView data)
    {
        long? count = data.GetRowCount();
        if (count is { } known)
        {
            return known;
        }

        long n = 0;
        using DataViewRowCursor cursor = data.GetRowCursor([]);
        while (cursor.MoveNext())
        {
            n++;
        }

        return n;
    }
}
