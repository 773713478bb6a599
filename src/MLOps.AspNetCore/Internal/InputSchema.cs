using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MLOps.AspNetCore.Internal;

/// <summary>
/// The JSON shape a model input type accepts, and the per-field validation of a request against it.
/// </summary>
/// <remarks>
/// Every public settable property is a field, named in camelCase and matched case-insensitively. A field is required
/// unless its type is nullable; when any property carries <see cref="RequiredAttribute"/>, only those are required
/// (so a label column kept in the input class for training need not be sent). Properties with
/// <see cref="JsonIgnoreAttribute"/> are not fields.
/// </remarks>
internal sealed class InputSchema
{
    private readonly Dictionary<string, int> _fields;
    private readonly byte[][] _utf8Names;

    private InputSchema(Type type, IReadOnlyList<InputField> fields)
    {
        Type = type;
        Fields = fields;
        _fields = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < fields.Count; i++)
        {
            _fields.Add(fields[i].JsonName, i);
        }

        _utf8Names = [.. fields.Select(f => Encoding.UTF8.GetBytes(f.JsonName))];
    }

    public Type Type { get; }

    public IReadOnlyList<InputField> Fields { get; }

    public static InputSchema For(Type type)
    {
        PropertyInfo[] properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.SetMethod!.IsPublic && p.GetIndexParameters().Length == 0 && p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .ToArray();
        bool anyRequired = properties.Any(p => p.GetCustomAttribute<RequiredAttribute>() is not null);
        var fields = properties.Select(p =>
        {
            Type propertyType = p.PropertyType;
            Type? underlying = Nullable.GetUnderlyingType(propertyType);
            bool nullable = underlying is not null || (!propertyType.IsValueType && new NullabilityInfoContext().Create(p).WriteState == NullabilityState.Nullable);
            bool required = anyRequired ? p.GetCustomAttribute<RequiredAttribute>() is not null : !nullable;
            string jsonName = p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name);
            return new InputField(jsonName, underlying ?? propertyType, required, nullable);
        }).ToArray();
        return new InputSchema(type, fields);
    }

    /// <summary>
    /// Validates one input object; errors are keyed by <paramref name="path"/> + field name. A valid input allocates
    /// nothing here: field names are matched on their raw UTF-8 bytes (the exact camelCase name, the common case) before
    /// falling back to a case-insensitive lookup, and <paramref name="errors"/> is created on the first error.
    /// </summary>
    public void Validate(JsonElement input, string path, bool rejectUnknown, ref Dictionary<string, string[]>? errors)
    {
        if (input.ValueKind != JsonValueKind.Object)
        {
            Add(ref errors, path.Length == 0 ? "$" : path, $"must be a JSON object with the fields of {Type.Name}.");
            return;
        }

        Span<bool> seen = Fields.Count <= 64 ? stackalloc bool[Fields.Count] : new bool[Fields.Count];
        foreach (JsonProperty property in input.EnumerateObject())
        {
            int index = IndexOf(property);
            if (index < 0)
            {
                if (rejectUnknown)
                {
                    Add(ref errors, Key(path, property.Name), $"is not a field of {Type.Name}. Known fields: {string.Join(", ", Fields.Select(f => f.JsonName))}.");
                }

                continue;
            }

            if (seen[index])
            {
                Add(ref errors, Key(path, property.Name), "appears more than once.");
                continue;
            }

            seen[index] = true;
            if (Fields[index].Check(property.Value) is { } error)
            {
                Add(ref errors, Key(path, property.Name), error);
            }
        }

        for (int i = 0; i < Fields.Count; i++)
        {
            if (Fields[i].Required && !seen[i])
            {
                Add(ref errors, Key(path, Fields[i].JsonName), "is required.");
            }
        }
    }

    private static string Key(string path, string name) => path.Length == 0 ? name : path + "." + name;

    private static void Add(ref Dictionary<string, string[]>? errors, string key, string error) =>
        (errors ??= new Dictionary<string, string[]>(StringComparer.Ordinal))[key] = [error];

    private int IndexOf(JsonProperty property)
    {
        ReadOnlySpan<byte> raw = JsonMarshal.GetRawUtf8PropertyName(property);
        for (int i = 0; i < _utf8Names.Length; i++)
        {
            if (raw.SequenceEqual(_utf8Names[i]))
            {
                return i;
            }
        }

        // Another casing, or an escaped name: compare the decoded name case-insensitively.
        return _fields.TryGetValue(property.Name, out int index) ? index : -1;
    }
}

internal sealed record InputField(string JsonName, Type Type, bool Required, bool Nullable)
{
    public string? Check(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return Nullable ? null : "must not be null.";
        }

        if (Type == typeof(string))
        {
            return value.ValueKind == JsonValueKind.String ? null : "must be a string.";
        }

        if (Type == typeof(bool))
        {
            return value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : "must be true or false.";
        }

        if (Type.IsArray && Type.GetElementType() is { } element)
        {
            if (value.ValueKind != JsonValueKind.Array)
            {
                return "must be an array.";
            }

            var item = new InputField(JsonName, element, Required: true, Nullable: false);
            int index = 0;
            foreach (JsonElement e in value.EnumerateArray())
            {
                if (item.Check(e) is { } error)
                {
                    return $"item {index} {error}";
                }

                index++;
            }

            return null;
        }

        return CheckNumber(value);
    }

    private string? CheckNumber(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number)
        {
            return value.ValueKind == JsonValueKind.String && IsNonFiniteLiteral(value.GetString())
                ? "must be a finite number (NaN and Infinity are not accepted)."
                : $"must be a number ({Describe()}).";
        }

        bool ok = Type switch
        {
            _ when Type == typeof(float) => value.TryGetDouble(out double d) && float.IsFinite((float)d),
            _ when Type == typeof(double) => value.TryGetDouble(out double d) && double.IsFinite(d),
            _ when Type == typeof(int) => value.TryGetInt32(out _),
            _ when Type == typeof(long) => value.TryGetInt64(out _),
            _ when Type == typeof(uint) => value.TryGetUInt32(out _),
            _ when Type == typeof(ulong) => value.TryGetUInt64(out _),
            _ when Type == typeof(short) => value.TryGetInt16(out _),
            _ when Type == typeof(ushort) => value.TryGetUInt16(out _),
            _ when Type == typeof(byte) => value.TryGetByte(out _),
            _ when Type == typeof(sbyte) => value.TryGetSByte(out _),
            _ when Type == typeof(decimal) => value.TryGetDecimal(out _),
            _ => true,
        };
        return ok ? null : $"must be a number in the range of {Describe()}.";
    }

    private string Describe() => Type == typeof(float) ? "32-bit float" : Type == typeof(double) ? "64-bit float" : Type.Name;

    private static bool IsNonFiniteLiteral(string? s) =>
        s is not null && (s.Equals("NaN", StringComparison.OrdinalIgnoreCase) || s.Contains("Infinity", StringComparison.OrdinalIgnoreCase));
}
