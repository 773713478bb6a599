using System.Text.Json;
using System.Text.Json.Serialization;

namespace MLOps.Internal;

/// <summary>
/// The one JSON shape of a <see cref="ModelName"/>: its string (<c>"modelName": "taxi-duration"</c>), as every response
/// and file already writes model names; <see langword="default"/> is the empty string.
/// </summary>
/// <remarks>
/// Without it, System.Text.Json would write the struct's property, <c>{"value":"taxi-duration"}</c>, wherever a type
/// holds a <see cref="ModelName"/> (drift and quality reports, retrain runs). Reading validates the name
/// (<see cref="ModelName.Pattern"/>) and refuses anything else with a <see cref="JsonException"/>.
/// </remarks>
internal sealed class ModelNameJsonConverter : JsonConverter<ModelName>
{
    public override ModelName Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"A model name is a JSON string such as \"taxi-duration\", not a JSON {reader.TokenType}.");
        }

        string? text = reader.GetString();
        return text is { Length: 0 } ? default
            : ModelName.TryParse(text, out ModelName name) ? name
            : throw new JsonException($"A model name must match {ModelName.Pattern}.");
    }

    public override void Write(Utf8JsonWriter writer, ModelName value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.Value);
    }
}
