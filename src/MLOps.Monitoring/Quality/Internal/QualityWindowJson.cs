using System.Collections.ObjectModel;
using System.Text;
using System.Text.Json;

namespace MLOps.Monitoring.Quality.Internal;

/// <summary>
/// A <see cref="QualityWindow"/> as JSON (the fleet's published windows): every field, metrics as round-trip doubles,
/// so a window read back equals the one written.
/// </summary>
internal static class QualityWindowJson
{
    public static string Write(QualityWindow window)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("modelName", window.ModelName.Value);
            json.WriteNumber("modelVersion", window.ModelVersion.Number);
            json.WriteString("variant", window.Variant);
            json.WriteString("task", window.Task.ToString());
            json.WriteString("start", window.Start);
            json.WriteString("end", window.End);
            json.WriteBoolean("isClosed", window.IsClosed);
            json.WriteNumber("count", window.Count);
            json.WriteNumber("skipped", window.Skipped);
            json.WriteNumber("lateFeedback", window.LateFeedback);
            WriteNumbers(json, "metrics", window.Metrics);
            WriteTexts(json, "undefinedMetrics", window.UndefinedMetrics);
            json.WriteStartArray("segments");
            foreach (SegmentQuality segment in window.Segments)
            {
                json.WriteStartObject();
                json.WriteString("segment", segment.Segment);
                json.WriteNumber("count", segment.Count);
                WriteNumbers(json, "metrics", segment.Metrics);
                WriteTexts(json, "undefinedMetrics", segment.UndefinedMetrics);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            WriteNumbers(json, "segmentRatios", window.SegmentRatios);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <exception cref="InvalidDataException">The text is not a window written by <see cref="Write"/>.</exception>
    public static QualityWindow Read(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            JsonElement root = document.RootElement;
            var segments = new List<SegmentQuality>();
            foreach (JsonElement segment in root.GetProperty("segments").EnumerateArray())
            {
                segments.Add(new SegmentQuality(
                    segment.GetProperty("segment").GetString()!,
                    segment.GetProperty("count").GetInt64(),
                    ReadNumbers(segment.GetProperty("metrics")),
                    ReadTexts(segment.GetProperty("undefinedMetrics"))));
            }

            return new QualityWindow(
                ModelName.Parse(root.GetProperty("modelName").GetString()!),
                new ModelVersion(root.GetProperty("modelVersion").GetInt32()),
                root.GetProperty("variant").GetString()!,
                Enum.Parse<QualityTask>(root.GetProperty("task").GetString()!),
                root.GetProperty("start").GetDateTimeOffset(),
                root.GetProperty("end").GetDateTimeOffset(),
                root.GetProperty("isClosed").GetBoolean(),
                root.GetProperty("count").GetInt64(),
                root.GetProperty("skipped").GetInt64(),
                root.GetProperty("lateFeedback").GetInt64(),
                ReadNumbers(root.GetProperty("metrics")),
                ReadTexts(root.GetProperty("undefinedMetrics")),
                segments,
                ReadNumbers(root.GetProperty("segmentRatios")));
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new InvalidDataException("The text is not a quality window: " + ex.Message, ex);
        }
    }

    private static void WriteNumbers(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, double> values)
    {
        json.WriteStartObject(name);
        foreach (KeyValuePair<string, double> value in values.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            json.WriteNumber(value.Key, value.Value);
        }

        json.WriteEndObject();
    }

    private static void WriteTexts(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, string> values)
    {
        json.WriteStartObject(name);
        foreach (KeyValuePair<string, string> value in values.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            json.WriteString(value.Key, value.Value);
        }

        json.WriteEndObject();
    }

    private static ReadOnlyDictionary<string, double> ReadNumbers(JsonElement element)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (JsonProperty property in element.EnumerateObject())
        {
            values[property.Name] = property.Value.GetDouble();
        }

        return new ReadOnlyDictionary<string, double>(values);
    }

    private static ReadOnlyDictionary<string, string> ReadTexts(JsonElement element)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty property in element.EnumerateObject())
        {
            values[property.Name] = property.Value.GetString() ?? string.Empty;
        }

        return new ReadOnlyDictionary<string, string>(values);
    }
}
