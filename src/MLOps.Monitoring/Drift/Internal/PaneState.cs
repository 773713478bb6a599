using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MLOps.Monitoring.Drift.Internal;

/// <summary>
/// The mergeable state of a closed window (a <see cref="Pane"/>) as compact JSON: per feature the counts against the
/// reference's bins, distinct values and categories (the reference bounds them: its categories plus one "other" slot),
/// the missing, infinite, out-of-range and unseen counts, and the reservoir sample with the number of values it was
/// drawn from. A replica publishes it; the fleet's leader restores and merges the states of a time bucket
/// (<see cref="PaneMerger"/>). Restoring checks the state against the reference, so a window counted against another
/// reference is refused, never merged into wrong bins.
/// </summary>
internal static class PaneState
{
    /// <summary>The format version written in every state.</summary>
    public const int Format = 1;

    public static string Serialize(Pane pane)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("format", Format);
            json.WriteNumber("rows", pane.Rows);
            json.WriteNumber("version", pane.ModelVersion);
            json.WriteString("start", pane.StartTime);
            json.WriteStartArray("features");
            for (int i = 0; i < pane.Features.Length; i++)
            {
                PaneFeature f = pane.Features[i];
                json.WriteStartObject();
                json.WriteString("name", pane.Reference.Features[i].Name);
                json.WriteNumber("count", f.Count);
                json.WriteNumber("missing", f.Missing);
                json.WriteNumber("infinity", f.Infinity);
                json.WriteNumber("outOfRange", f.OutOfRange);
                json.WriteNumber("unseen", f.Unseen);
                json.WriteNumber("seen", f.Seen);
                WriteCounts(json, "bins", f.Bins);
                if (f.Distinct is not null)
                {
                    WriteCounts(json, "distinct", f.Distinct);
                }

                WriteCounts(json, "categories", f.Categories);
                json.WriteStartArray("sample");
                foreach (double value in f.Sample.AsSpan(0, f.SampleCount))
                {
                    json.WriteNumberValue(value);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Restores a state written by <see cref="Serialize"/> as a pane of <paramref name="reference"/>.</summary>
    /// <exception cref="InvalidDataException">The state is malformed or was counted against another reference.</exception>
    public static Pane Restore(CompiledReference reference, string state)
    {
        try
        {
            using var document = JsonDocument.Parse(state);
            JsonElement root = document.RootElement;
            int format = root.GetProperty("format").GetInt32();
            if (format != Format)
            {
                throw new InvalidDataException($"The drift window state has format {format}; this version of MLOps reads format {Format}.");
            }

            var pane = new Pane(reference, 0, 0)
            {
                Rows = root.GetProperty("rows").GetInt64(),
                ModelVersion = root.GetProperty("version").GetInt32(),
                StartTime = root.GetProperty("start").GetDateTimeOffset(),
            };
            JsonElement features = root.GetProperty("features");
            if (features.GetArrayLength() != reference.Features.Length)
            {
                throw Mismatch($"it has {features.GetArrayLength()} features, the reference {reference.Features.Length}");
            }

            int i = 0;
            foreach (JsonElement element in features.EnumerateArray())
            {
                CompiledFeature expected = reference.Features[i];
                PaneFeature feature = pane.Features[i++];
                string? name = element.GetProperty("name").GetString();
                if (name != expected.Name)
                {
                    throw Mismatch($"feature {i} is '{name}', the reference's '{expected.Name}'");
                }

                feature.RestoreCounters(
                    element.GetProperty("count").GetInt64(),
                    element.GetProperty("missing").GetInt64(),
                    element.GetProperty("infinity").GetInt64(),
                    element.GetProperty("outOfRange").GetInt64(),
                    element.GetProperty("unseen").GetInt64());
                ReadCounts(element, "bins", feature.Bins, expected.Name);
                if (feature.Distinct is not null)
                {
                    ReadCounts(element, "distinct", feature.Distinct, expected.Name);
                }

                ReadCounts(element, "categories", feature.Categories, expected.Name);
                JsonElement sample = element.GetProperty("sample");
                var values = new double[sample.GetArrayLength()];
                int k = 0;
                foreach (JsonElement value in sample.EnumerateArray())
                {
                    values[k++] = value.GetDouble();
                }

                long seen = element.GetProperty("seen").GetInt64();
                if (seen < values.Length || (!expected.IsNumeric && values.Length > 0))
                {
                    throw Mismatch($"feature '{expected.Name}' has a sample of {values.Length} values standing for {seen}");
                }

                feature.SetSample(values, seen);
            }

            return pane;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
        {
            throw new InvalidDataException("The drift window state is not valid: " + ex.Message, ex);
        }
    }

    private static void WriteCounts(Utf8JsonWriter json, string name, double[] counts)
    {
        json.WriteStartArray(name);
        foreach (double count in counts)
        {
            json.WriteNumberValue((long)count);
        }

        json.WriteEndArray();
    }

    private static void ReadCounts(JsonElement feature, string name, double[] target, string featureName)
    {
        JsonElement counts = feature.GetProperty(name);
        if (counts.GetArrayLength() != target.Length)
        {
            throw Mismatch($"feature '{featureName}' has {counts.GetArrayLength()} {name}, the reference {target.Length}");
        }

        int i = 0;
        foreach (JsonElement count in counts.EnumerateArray())
        {
            long value = count.GetInt64();
            if (value < 0)
            {
                throw Mismatch($"feature '{featureName}' has a negative count");
            }

            target[i++] = value;
        }
    }

    private static InvalidDataException Mismatch(string detail) =>
        new(string.Create(CultureInfo.InvariantCulture, $"The drift window state does not match the reference profile: {detail}."));
}
