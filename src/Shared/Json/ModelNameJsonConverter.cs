using System.Text.Json;
using System.Text.Json.Serialization;

namespace MLOps.Shared.Json;

/// <summary>Writes a <see cref="ModelName"/> as its JSON string and reads it back (validated with <see cref="ModelName.Parse(string)"/>).</summary>
internal sealed class ModelNameJsonConverter : JsonConverter<ModelName>
{
    /// <inheritdoc />
    public override ModelName Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string? value = reader.GetString();
        return ModelName.TryParse(value, out ModelName name) ? name : throw new JsonException($"'{value}' is not a valid model name.");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, ModelName value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.Value);
    }
}
