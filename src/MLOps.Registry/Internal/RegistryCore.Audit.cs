using System.Text;
using System.Text.Json;

namespace MLOps.Registry.Internal;

/// <summary>The audit events and the compact JSON state descriptions every backend stores.</summary>
internal sealed partial class RegistryCore
{
    /// <summary>Builds an audit event (the one shape every backend stores).</summary>
    public static AuditEvent Audit(DateTimeOffset now, string actor, string action, ModelName model, string target, string? before, string? after, string? reason) =>
        new()
        {
            Timestamp = now,
            Actor = actor,
            Action = action,
            Model = model,
            Target = target,
            Before = before,
            After = after,
            Reason = reason,
        };

    /// <summary>The audit description of a model's state (after <see cref="AuditActions.ModelCreated"/>, before and after <see cref="AuditActions.ModelUpdated"/>).</summary>
    public static string ModelState(string? description, IReadOnlyDictionary<string, string>? tags) =>
        Summary(new ModelStateJson { Description = description, Tags = tags ?? new Dictionary<string, string>() });

    /// <summary>The audit description of a version's editable state (before and after <see cref="AuditActions.VersionUpdated"/>).</summary>
    public static string VersionState(
        string? description, IReadOnlyDictionary<string, string> tags, IReadOnlyDictionary<string, double> metrics, IReadOnlyDictionary<string, string> parameters) =>
        Summary(new VersionStateJson { Description = description, Tags = tags, Metrics = metrics, Params = parameters });

    /// <summary>A compact JSON description of a state, for <see cref="AuditEvent.Before"/> and <see cref="AuditEvent.After"/>.</summary>
    public static string Summary<T>(T value) => Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(value, RegistryJson.Compact));

    /// <summary>The tags after removing <paramref name="remove"/>, then setting <paramref name="set"/>.</summary>
    public static Dictionary<string, string> ApplyTags(IReadOnlyDictionary<string, string> current, IReadOnlyDictionary<string, string>? set, IReadOnlyList<string>? remove)
    {
        var tags = new Dictionary<string, string>(current, StringComparer.Ordinal);
        foreach (string key in remove ?? [])
        {
            tags.Remove(key);
        }

        foreach ((string key, string value) in set ?? new Dictionary<string, string>())
        {
            tags[key] = value;
        }

        return tags;
    }

    // Classes with init accessors, not anonymous types: RegistryJson leaves read-only properties out (and so dropped the
    // description of anonymous summaries).
    private sealed class ModelStateJson
    {
        public string? Description { get; init; }

        public required IReadOnlyDictionary<string, string> Tags { get; init; }
    }

    private sealed class VersionStateJson
    {
        public string? Description { get; init; }

        public required IReadOnlyDictionary<string, string> Tags { get; init; }

        public required IReadOnlyDictionary<string, double> Metrics { get; init; }

        public required IReadOnlyDictionary<string, string> Params { get; init; }
    }
}
