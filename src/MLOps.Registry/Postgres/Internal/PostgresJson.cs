using System.Text.Json;
using System.Text.Json.Serialization;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>The JSON forms of the registry's <c>jsonb</c> columns.</summary>
internal static class PostgresJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)
        ?? throw new JsonException($"The registry column holds null where a {typeof(T).Name} was expected.");

    public static string Dictionary<TValue>(IReadOnlyDictionary<string, TValue>? values) =>
        values is null || values.Count == 0 ? "{}" : Serialize(values);

    public static string? Lineage(ModelLineage? lineage) => lineage is null ? null : Serialize(new LineageJson
    {
        RunId = lineage.RunId,
        DatasetName = lineage.DatasetName,
        DatasetDigest = lineage.DatasetDigest,
        DatasetRowCount = lineage.DatasetRowCount,
        ParentVersion = lineage.ParentVersion?.Number,
        CodeVersion = lineage.CodeVersion,
        Trigger = lineage.Trigger,
        Reason = lineage.Reason,
    });

    public static ModelLineage? Lineage(string? json)
    {
        if (json is null)
        {
            return null;
        }

        LineageJson value = Deserialize<LineageJson>(json);
        return new ModelLineage
        {
            RunId = value.RunId,
            DatasetName = value.DatasetName,
            DatasetDigest = value.DatasetDigest,
            DatasetRowCount = value.DatasetRowCount,
            ParentVersion = value.ParentVersion is { } parent ? new ModelVersion(parent) : null,
            CodeVersion = value.CodeVersion,
            Trigger = value.Trigger,
            Reason = value.Reason,
        };
    }

    public static string FeatureImportance(IReadOnlyList<FeatureImportance> importances) => Serialize(importances);

    public static IReadOnlyList<FeatureImportance> FeatureImportance(string? json) =>
        json is null ? [] : Deserialize<List<FeatureImportance>>(json);

    public static string? Signature(ModelSignature? signature) => signature is null ? null : Serialize(signature);

    public static ModelSignature? Signature(string? json) => json is null ? null : Deserialize<ModelSignature>(json);

    internal sealed class LineageJson
    {
        public string? RunId { get; set; }

        public string? DatasetName { get; set; }

        public string? DatasetDigest { get; set; }

        public long? DatasetRowCount { get; set; }

        public int? ParentVersion { get; set; }

        public string? CodeVersion { get; set; }

        public string? Trigger { get; set; }

        public string? Reason { get; set; }
    }

    internal sealed class ArtifactJson
    {
        public required string Path { get; set; }

        public required string Key { get; set; }

        public required string Sha256 { get; set; }

        public required long Length { get; set; }
    }

    /// <summary>The payload of a change notification (kept short: NOTIFY payloads are limited to 8000 bytes).</summary>
    internal sealed class ChangeJson
    {
        /// <summary>The instance that made the change (so it can ignore its own notifications).</summary>
        [JsonPropertyName("i")]
        public required string Instance { get; set; }

        [JsonPropertyName("k")]
        public required RegistryChangeKind Kind { get; set; }

        [JsonPropertyName("n")]
        public required string Name { get; set; }

        [JsonPropertyName("v")]
        public int? Version { get; set; }

        [JsonPropertyName("a")]
        public string? Alias { get; set; }

        /// <summary>The model's <c>change_seq</c> after the change.</summary>
        [JsonPropertyName("s")]
        public long Sequence { get; set; }
    }
}
