using System.Text.Json;
using System.Text.Json.Serialization;

namespace MLOps.Monitoring.Retraining.Internal;

/// <summary>
/// Writes a <see cref="ModelName"/> as its string (<c>"taxi"</c>, not <c>{"value":"taxi"}</c>), so the retrain types keep
/// their JSON shape (the <c>/models/{name}/retrain</c> responses) now that their model names are <see cref="ModelName"/>.
/// </summary>
internal sealed class ModelNameJsonConverter : JsonConverter<ModelName>
{
    public override ModelName Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ModelName.TryParse(reader.GetString(), out ModelName name) ? name : throw new JsonException("Not a valid model name.");

    public override void Write(Utf8JsonWriter writer, ModelName value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.Value);
    }
}
