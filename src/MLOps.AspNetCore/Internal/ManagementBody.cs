using System.Text.Json;

namespace MLOps.AspNetCore.Internal;

/// <summary>Reads the small JSON objects the management endpoints accept, collecting an error per bad field.</summary>
internal sealed class ManagementBody
{
    private readonly JsonElement _root;

    public ManagementBody(PooledJsonDocument? document)
    {
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

    public Dictionary<string, string[]> Errors { get; } = new(StringComparer.Ordinal);

    public bool IsValid => Errors.Count == 0;

    public string? String(string name, bool required, int maxLength = 1000)
    {
        if (!TryGet(name, out var value))
        {
            if (required)
            {
                Errors[name] = ["The field is required."];
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Errors[name] = ["Must be a string."];
            return null;
        }

        if (JsonText.TryGetString(value) is not { } text)
        {
            Errors[name] = ["Must be valid Unicode text (no lone surrogates, invalid UTF-8 or NUL)."];
            return null;
        }

        if (required && string.IsNullOrWhiteSpace(text))
        {
            Errors[name] = ["Must not be empty."];
            return null;
        }

        if (text.Length > maxLength)
        {
            Errors[name] = [$"Must be at most {maxLength} characters."];
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
                Errors[name] = ["The field is required."];
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int number) || number < 1)
        {
            Errors[name] = ["Must be a whole number of at least 1."];
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
                Errors[name] = ["The field is required."];
            }

            return null;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Errors[name] = ["Must be true or false."];
            return null;
        }

        return value.GetBoolean();
    }

    private bool TryGet(string name, out JsonElement value)
    {
        value = default;
        return _root.ValueKind == JsonValueKind.Object
            && _root.TryGetProperty(name, out value)
            && value.ValueKind != JsonValueKind.Null;
    }
}
