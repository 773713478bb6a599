using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace MLOps.Registry.Internal;

/// <summary>The JSON format of registry metadata (human-readable, camelCase), shared by the backends.</summary>
internal static class RegistryJson
{
    public static readonly JsonSerializerOptions Options = Create(indented: true);

    public static readonly JsonSerializerOptions Compact = Create(indented: false);

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = indented,
            IgnoreReadOnlyProperties = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            RespectRequiredConstructorParameters = true,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { KeepNullThresholds } },
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.Converters.Add(new ModelNameConverter());
        options.Converters.Add(new ModelAliasConverter());
        options.Converters.Add(new ModelVersionConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>
    /// Writes a rollout analysis's <see langword="null"/> thresholds: there, <see langword="null"/> means "not checked",
    /// which a missing property (read back as the default) would silently turn into a check.
    /// </summary>
    private static void KeepNullThresholds(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Type == typeof(RolloutAnalysis))
        {
            foreach (JsonPropertyInfo property in typeInfo.Properties)
            {
                property.ShouldSerialize = static (_, _) => true;
            }
        }
    }

    private sealed class ModelNameConverter : JsonConverter<ModelName>
    {
        public override ModelName Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            ModelName.TryParse(reader.GetString(), out ModelName name) ? name : throw new JsonException("Invalid model name.");

        public override void Write(Utf8JsonWriter writer, ModelName value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
    }

    private sealed class ModelAliasConverter : JsonConverter<ModelAlias>
    {
        public override ModelAlias Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            ModelAlias.TryParse(reader.GetString(), out ModelAlias alias) ? alias : throw new JsonException("Invalid alias.");

        public override void Write(Utf8JsonWriter writer, ModelAlias value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);

        public override ModelAlias ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Read(ref reader, typeToConvert, options);

        public override void WriteAsPropertyName(Utf8JsonWriter writer, ModelAlias value, JsonSerializerOptions options) =>
            writer.WritePropertyName(value.Value);
    }

    private sealed class ModelVersionConverter : JsonConverter<ModelVersion>
    {
        public override ModelVersion Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TryGetInt32(out int n) && n >= 1 ? new ModelVersion(n) : throw new JsonException("Invalid model version.");

        public override void Write(Utf8JsonWriter writer, ModelVersion value, JsonSerializerOptions options) => writer.WriteNumberValue(value.Number);
    }
}
