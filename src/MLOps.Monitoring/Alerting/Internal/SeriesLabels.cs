using System.Globalization;
using System.Text;

namespace MLOps.Monitoring.Alerting.Internal;

/// <summary>The label set of one series: tag keys and values sorted by key, and a canonical key string.</summary>
internal sealed class SeriesLabels
{
    private SeriesLabels(SortedDictionary<string, string> labels)
    {
        Labels = labels;
        var key = new StringBuilder();
        foreach (KeyValuePair<string, string> label in labels)
        {
            key.Append(label.Key).Append('=').Append(label.Value).Append('\n');
        }

        Key = key.ToString();
        Text = string.Join(", ", labels.Select(l => l.Key + "=" + l.Value));
    }

    public IReadOnlyDictionary<string, string> Labels { get; }

    public string Key { get; }

    /// <summary>Gets the labels as <c>key=value, key=value</c>, for logs.</summary>
    public string Text { get; }

    public static SeriesLabels From(ReadOnlySpan<KeyValuePair<string, object?>> tags, string? exclude1 = null, string? exclude2 = null)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (tag.Key == exclude1 || tag.Key == exclude2)
            {
                continue;
            }

            labels[tag.Key] = AsString(tag.Value);
        }

        return new SeriesLabels(labels);
    }

    public static SeriesLabels Of(params (string Key, string Value)[] labels)
    {
        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach ((string key, string value) in labels)
        {
            sorted[key] = value;
        }

        return new SeriesLabels(sorted);
    }

    public string? Get(string key) => Labels.TryGetValue(key, out string? value) ? value : null;

    public static string AsString(object? value) => value switch
    {
        null => "",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public static string? Find(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key)
    {
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (tag.Key == key)
            {
                return AsString(tag.Value);
            }
        }

        return null;
    }
}
