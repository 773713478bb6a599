using System.Globalization;
using System.Text.Json;
using MLOps.Monitoring.Profiles;

namespace MLOps.Monitoring.Quality.Feedback;

/// <summary>The line formats of <see cref="JsonLinesPredictionLog"/>: predictions (with their inputs, when logged) and feedback.</summary>
public sealed partial class JsonLinesPredictionLog
{
    internal static bool TryParse(ReadOnlySpan<byte> line, out PredictionRecord record) => TryParse(line, null, out record);

    /// <summary>Parses a prediction line; <paramref name="names"/> (optional) reuses the feature-name strings of earlier lines.</summary>
    internal static bool TryParse(ReadOnlySpan<byte> line, List<string>? names, out PredictionRecord record)
    {
        record = default;
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            PredictionId id = default;
            string? model = null, variant = null, label = null, segment = null;
            int version = 0;
            DateTimeOffset timestamp = default;
            double value = double.NaN, score = double.NaN;
            LoggedFeature[]? inputs = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                reader.Read();
                bool isNull = reader.TokenType == JsonTokenType.Null;
                switch (name)
                {
                    case "id": id = PredictionId.TryParse(reader.GetString(), out PredictionId parsed) ? parsed : default; break;
                    case "model": model = reader.GetString(); break;
                    case "version": version = reader.GetInt32(); break;
                    case "variant": variant = reader.GetString(); break;
                    case "ts": timestamp = reader.GetDateTimeOffset(); break;
                    case "value": value = isNull ? double.NaN : reader.GetDouble(); break;
                    case "score": score = isNull ? double.NaN : reader.GetDouble(); break;
                    case "label": label = reader.GetString(); break;
                    case "segment": segment = reader.GetString(); break;
                    case "inputs" when !isNull: inputs = ReadInputs(ref reader, names); break;
                    default: reader.Skip(); break;
                }
            }

            // A complete record ends with its closing brace and nothing after it.
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read() || id.IsEmpty || !ModelName.TryParse(model, out ModelName modelName) || variant is null || version < 1)
            {
                return false;
            }

            record = new PredictionRecord(id, modelName, new ModelVersion(version), variant, timestamp, value, score, label, segment, inputs);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
        catch (FormatException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Reads <c>[{"name":…,"kind":"numeric|boolean|categorical","value":…}, …]</c>; a missing value has no <c>value</c>.</summary>
    private static LoggedFeature[] ReadInputs(ref Utf8JsonReader reader, List<string>? names)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("inputs must be an array.");
        }

        var inputs = new List<LoggedFeature>();
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            string? name = null;
            FeatureKind? kind = null;
            double number = double.NaN;
            string? category = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("name"u8))
                {
                    reader.Read();
                    name = ReadName(ref reader, names, inputs.Count);
                }
                else if (reader.ValueTextEquals("kind"u8))
                {
                    reader.Read();
                    kind = reader.ValueTextEquals("numeric"u8) ? FeatureKind.Numeric
                        : reader.ValueTextEquals("boolean"u8) ? FeatureKind.Boolean
                        : reader.ValueTextEquals("categorical"u8) ? FeatureKind.Categorical
                        : throw new JsonException("Unknown feature kind.");
                }
                else if (reader.ValueTextEquals("value"u8))
                {
                    reader.Read();
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.Number: number = reader.GetDouble(); break;
                        case JsonTokenType.True: number = 1; break;
                        case JsonTokenType.False: number = 0; break;
                        case JsonTokenType.String: category = reader.GetString(); break;
                        case JsonTokenType.Null: break;
                        default: throw new JsonException("A feature value must be a number, a Boolean or a string.");
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || name is null || kind is null)
            {
                throw new JsonException("An input feature needs a name and a kind.");
            }

            inputs.Add(kind == FeatureKind.Categorical
                ? new LoggedFeature(name, FeatureKind.Categorical, double.NaN, category)
                : new LoggedFeature(name, kind.Value, number, null));
        }

        if (reader.TokenType != JsonTokenType.EndArray)
        {
            throw new JsonException("inputs must be an array of objects.");
        }

        return [.. inputs];
    }

    /// <summary>The feature name, reusing the string of the same position in earlier lines when it is equal (no allocation per row).</summary>
    private static string ReadName(ref Utf8JsonReader reader, List<string>? names, int position)
    {
        if (names is null)
        {
            return reader.GetString()!;
        }

        if (position < names.Count && reader.ValueTextEquals(names[position]))
        {
            return names[position];
        }

        string name = reader.GetString()!;
        if (position < names.Count)
        {
            names[position] = name;
        }
        else if (position == names.Count && names.Count < 10_000)
        {
            names.Add(name);
        }

        return name;
    }

    private static void Write(Utf8JsonWriter writer, in PredictionRecord record)
    {
        writer.WriteStartObject();
        Span<char> id = stackalloc char[32];
        record.PredictionId.TryFormat(id, out _, "N", CultureInfo.InvariantCulture);
        writer.WriteString("id", id);
        writer.WriteString("model", record.ModelName.Value);
        writer.WriteNumber("version", record.ModelVersion.Number);
        writer.WriteString("variant", record.Variant);
        writer.WriteString("ts", record.Timestamp.ToUniversalTime());
        if (double.IsFinite(record.PredictedValue))
        {
            writer.WriteNumber("value", record.PredictedValue);
        }

        if (double.IsFinite(record.Score))
        {
            writer.WriteNumber("score", record.Score);
        }

        if (record.PredictedLabel is not null)
        {
            writer.WriteString("label", record.PredictedLabel);
        }

        if (record.Segment is not null)
        {
            writer.WriteString("segment", record.Segment);
        }

        if (record.Inputs is { } inputs)
        {
            writer.WriteStartArray("inputs");
            for (int i = 0; i < inputs.Count; i++)
            {
                LoggedFeature feature = inputs[i];
                writer.WriteStartObject();
                writer.WriteString("name", feature.Name);
                switch (feature.Kind)
                {
                    case FeatureKind.Categorical:
                        writer.WriteString("kind", "categorical");
                        if (feature.Category is not null)
                        {
                            writer.WriteString("value", feature.Category);
                        }

                        break;
                    case FeatureKind.Boolean:
                        writer.WriteString("kind", "boolean");
                        if (!double.IsNaN(feature.Number))
                        {
                            writer.WriteBoolean("value", feature.Number != 0);
                        }

                        break;
                    default:
                        // JSON has no infinity: an infinite value is logged as missing (drift counts infinities apart,
                        // so a replayed window undercounts them; see the Monitoring README).
                        writer.WriteString("kind", "numeric");
                        if (double.IsFinite(feature.Number))
                        {
                            writer.WriteNumber("value", feature.Number);
                        }

                        break;
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes a feedback line: <c>{"id":…,"ts":…,"number":…|"boolean":…|"label":…}</c>.</summary>
    private static void WriteFeedback(Utf8JsonWriter writer, in FeedbackRecord feedback)
    {
        writer.WriteStartObject();
        Span<char> id = stackalloc char[32];
        feedback.PredictionId.TryFormat(id, out _, "N", CultureInfo.InvariantCulture);
        writer.WriteString("id", id);
        writer.WriteString("ts", feedback.ReceivedAt.ToUniversalTime());
        switch (feedback.Actual.Kind)
        {
            case GroundTruthKind.Number:
                if (double.IsFinite(feedback.Actual.Number))
                {
                    writer.WriteNumber("number", feedback.Actual.Number);
                }
                else
                {
                    writer.WriteString("number", feedback.Actual.ToString());   // NaN / ±Infinity, kept as given
                }

                break;
            case GroundTruthKind.Boolean:
                writer.WriteBoolean("boolean", feedback.Actual.Number != 0);
                break;
            case GroundTruthKind.Label:
                writer.WriteString("label", feedback.Actual.Label);
                break;
            default:
                break;
        }

        writer.WriteEndObject();
    }

    internal static bool TryParseFeedback(ReadOnlySpan<byte> line, out FeedbackRecord feedback)
    {
        feedback = default;
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            PredictionId id = default;
            DateTimeOffset receivedAt = default;
            GroundTruth actual = default;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                reader.Read();
                switch (name)
                {
                    case "id": id = PredictionId.TryParse(reader.GetString(), out PredictionId parsed) ? parsed : default; break;
                    case "ts": receivedAt = reader.GetDateTimeOffset(); break;
                    case "number":
                        actual = GroundTruth.FromNumber(reader.TokenType == JsonTokenType.String
                            ? double.Parse(reader.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)
                            : reader.GetDouble());
                        break;
                    case "boolean": actual = GroundTruth.FromBoolean(reader.GetBoolean()); break;
                    case "label": actual = GroundTruth.FromLabel(reader.GetString()!); break;
                    default: reader.Skip(); break;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read() || id.IsEmpty)
            {
                return false;
            }

            feedback = new FeedbackRecord(id, actual, receivedAt);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
        catch (FormatException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        catch (ArgumentNullException)
        {
            return false;
        }
    }
}
