using System.Globalization;
using System.Text.Json;

namespace MLOps.AspNetCore.Internal;

/// <summary>Reads the small JSON objects the management endpoints accept, collecting an error per bad field.</summary>
internal sealed class ManagementBody
{
    private readonly JsonElement _root;

    /// <summary>The prefix of this body's error keys: empty for the request body, <c>"analysis."</c> for a nested object.</summary>
    private readonly string _prefix = string.Empty;

    public ManagementBody(PooledJsonDocument? document)
    {
        Errors = new(StringComparer.Ordinal);
        if (document is null)
        {
            _root = default;
            return;
        }

        _root = document.RootElement;
        if (_root.ValueKind != JsonValueKind.Object)
        {
            Errors[""] = ["The body must be a JSON object."];
        }
    }

    /// <summary>A nested object; its errors go to <paramref name="errors"/> (the parent body's), keyed <paramref name="prefix"/> and the field.</summary>
    private ManagementBody(JsonElement root, string prefix, Dictionary<string, string[]> errors)
    {
        _root = root;
        _prefix = prefix;
        Errors = errors;
    }

    public Dictionary<string, string[]> Errors { get; }

    public bool IsValid => Errors.Count == 0;

    public string? String(string name, bool required, int maxLength = 1000)
    {
        if (!TryGet(name, out var value))
        {
            if (required)
            {
                Errors[_prefix + name] = ["The field is required."];
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Errors[_prefix + name] = ["Must be a string."];
            return null;
        }

        if (JsonText.TryGetString(value) is not { } text)
        {
            Errors[_prefix + name] = ["Must be valid Unicode text (no lone surrogates, invalid UTF-8 or NUL)."];
            return null;
        }

        if (required && string.IsNullOrWhiteSpace(text))
        {
            Errors[_prefix + name] = ["Must not be empty."];
            return null;
        }

        if (text.Length > maxLength)
        {
            Errors[_prefix + name] = [$"Must be at most {maxLength} characters."];
            return null;
        }

        return text;
    }

    public int? PositiveInt(string name, bool required)
    {
        if (!TryGet(name, out var value))
        {
            if (required)
            {
                Errors[_prefix + name] = ["The field is required."];
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int number) || number < 1)
        {
            Errors[_prefix + name] = ["Must be a whole number of at least 1."];
            return null;
        }

        return number;
    }

    public bool? Bool(string name, bool required)
    {
        if (!TryGet(name, out var value))
        {
            if (required)
            {
                Errors[_prefix + name] = ["The field is required."];
            }

            return null;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Errors[_prefix + name] = ["Must be true or false."];
            return null;
        }

        return value.GetBoolean();
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public long? Integer(string name, bool required, long min, long max)
    {
        if (!TryGet(name, out var value))
        {
            if (required)
            {
                Errors[_prefix + name] = ["The field is required."];
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long number) || number < min || number > max)
        {
            Errors[_prefix + name] = [$"Must be a whole number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}."];
            return null;
        }

        return number;
    }

    /// <summary>A finite number (1e400 and the named literals are refused).</summary>
    public double? Number(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double number) || !double.IsFinite(number))
        {
            Errors[_prefix + name] = ["Must be a finite number."];
            return null;
        }

        return number;
    }

    /// <summary>A duration in the form <c>[d.]hh:mm:ss[.fffffff]</c>, as the endpoints write one.</summary>
    public TimeSpan? Duration(string name)
    {
        if (String(name, required: false, maxLength: 64) is not { } text)
        {
            return null;
        }

        if (!TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out TimeSpan duration))
        {
            Errors[_prefix + name] = ["Must be a duration such as \"00:01:00\" ([d.]hh:mm:ss)."];
            return null;
        }

        return duration;
    }

    /// <summary>An array of at most <paramref name="maxCount"/> whole numbers.</summary>
    public int[]? Integers(string name, int maxCount)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > maxCount)
        {
            Errors[_prefix + name] = [$"Must be an array of at most {maxCount.ToString(CultureInfo.InvariantCulture)} whole numbers."];
            return null;
        }

        var numbers = new int[value.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out numbers[i++]))
            {
                Errors[_prefix + name] = ["Every item must be a whole number."];
                return null;
            }
        }

        return numbers;
    }

    /// <summary>A nested JSON object, or <see langword="null"/> when absent (or not an object: then an error is recorded).</summary>
    public ManagementBody? Object(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            Errors[_prefix + name] = ["Must be a JSON object."];
            return null;
        }

        return new ManagementBody(value, _prefix + name + ".", Errors);
    }

    /// <summary>
    /// A JSON object mapping names to finite numbers (<c>{"r2": 0.8}</c>), with at most <paramref name="maxCount"/> entries
    /// and names that are 1 to <paramref name="maxNameLength"/> printable characters; <see langword="null"/> when absent.
    /// </summary>
    public List<KeyValuePair<string, double>>? NumberMap(string name, int maxCount, int maxNameLength)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        string key = _prefix + name;
        if (value.ValueKind != JsonValueKind.Object)
        {
            Errors[key] = ["Must be a JSON object of names and numbers, such as {\"r2\": 0.8}."];
            return null;
        }

        var map = new List<KeyValuePair<string, double>>();
        foreach (JsonProperty property in value.EnumerateObject())
        {
            if (map.Count == maxCount)
            {
                Errors[key] = [$"Must have at most {maxCount.ToString(CultureInfo.InvariantCulture)} entries."];
                return null;
            }

            string? entry = PropertyName(property);
            if (entry is null || string.IsNullOrWhiteSpace(entry) || entry.Length > maxNameLength || entry.Any(char.IsControl))
            {
                Errors[key] = [$"Every name must be 1 to {maxNameLength.ToString(CultureInfo.InvariantCulture)} printable characters."];
                return null;
            }

            if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetDouble(out double number) || !double.IsFinite(number))
            {
                Errors[key] = [$"The value of '{Problems.Shorten(entry)}' must be a finite number."];
                return null;
            }

            map.Add(new(entry, number));
        }

        return map;
    }

    /// <summary>
    /// One JSON object or an array of at most <paramref name="maxCount"/> of them, each read as a nested body; an empty list
    /// when absent.
    /// </summary>
    public List<ManagementBody> Objects(string name, int maxCount)
    {
        var bodies = new List<ManagementBody>();
        if (!TryGet(name, out var value))
        {
            return bodies;
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            bodies.Add(new ManagementBody(value, _prefix + name + ".", Errors));
            return bodies;
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > maxCount || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Object))
        {
            Errors[_prefix + name] = [$"Must be a JSON object, or an array of at most {maxCount.ToString(CultureInfo.InvariantCulture)} objects."];
            return bodies;
        }

        int i = 0;
        foreach (JsonElement item in value.EnumerateArray())
        {
            bodies.Add(new ManagementBody(item, string.Create(CultureInfo.InvariantCulture, $"{_prefix}{name}[{i++}]."), Errors));
        }

        return bodies;
    }

    /// <summary>Records an error on a field of this body.</summary>
    public void Error(string name, string message) => Errors[_prefix + name] = [message];

    /// <summary>The fields of this body that are not in <paramref name="known"/>, each recorded as an error.</summary>
    public void RefuseUnknown(params string[] known)
    {
        if (_root.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (JsonProperty property in _root.EnumerateObject())
        {
            string? field = PropertyName(property);
            if (field is null || Array.IndexOf(known, field) < 0)
            {
                Errors[_prefix + Problems.Shorten(field ?? "?")] = [$"Unknown field; use {string.Join(", ", known)}."];
            }
        }
    }

    /// <summary>Whether the field is present with the value <c>null</c> (absent is not null).</summary>
    public bool IsNull(string name) =>
        _root.ValueKind == JsonValueKind.Object && _root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Null;

    private static string? PropertyName(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private bool TryGet(string name, out JsonElement value)
    {
        value = default;
        return _root.ValueKind == JsonValueKind.Object
            && _root.TryGetProperty(name, out value)
            && value.ValueKind != JsonValueKind.Null;
    }
}
