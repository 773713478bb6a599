using System.Text.Json;
using System.Text.Json.Serialization;

namespace MLOps.Internal;

/// <summary>
/// The one JSON shape of a <see cref="ModelVersion"/>: a plain number (<c>"modelVersion": 3</c>), as the predict, feedback
/// and versions responses and the registry files already write it; <see langword="default"/> ("no version") is 0.
/// </summary>
/// <remarks>
/// Without it, System.Text.Json wrote the struct's properties, <c>{"number":3}</c>, wherever a response held a
/// <see cref="ModelVersion"/> itself (quality windows, retrain runs). Reading also accepts that object shape, so JSON
/// written before this converter existed still reads.
/// </remarks>
internal sealed class ModelVersionJsonConverter : JsonConverter<ModelVersion>
{
    public override ModelVersion Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return FromNumber(ref reader);
        }

        if (reader.TokenType == JsonTokenType.StartObject)
        {
            // The shape written before this converter: {"number": 3}.
            ModelVersion version = default;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isNumber = reader.ValueTextEquals("number"u8) || reader.ValueTextEquals("Number"u8);
                reader.Read();
                if (isNumber && reader.TokenType == JsonTokenType.Number)
                {
                    version = FromNumber(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }

            return version;
        }

        throw new JsonException($"A model version is a number such as 3, not a JSON {reader.TokenType}.");
    }

    public override void Write(Utf8JsonWriter writer, ModelVersion value, JsonSerializerOptions options) => writer.WriteNumberValue(value.Number);

    private static ModelVersion FromNumber(ref Utf8JsonReader reader) =>
        reader.TryGetInt32(out int number) && number >= 0
            ? (number == 0 ? default : new ModelVersion(number))
            : throw new JsonException("A model version is a whole number of at least 1.");
}
