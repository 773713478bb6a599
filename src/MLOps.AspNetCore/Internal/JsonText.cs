using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;

namespace MLOps.AspNetCore.Internal;

/// <summary>
/// Checks that every string and property name of a JSON document is text the endpoints can use: valid UTF-8 (no
/// invalid or overlong sequences, no encoded surrogates), no lone surrogate escape (<c>"\ud800"</c>) and no NUL.
/// </summary>
/// <remarks>
/// <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/> accepts such text and
/// <see cref="JsonElement.GetString"/> then throws <see cref="InvalidOperationException"/>, which surfaced as a 500 on
/// every endpoint that read a string. Checking the whole document once, where the body is read, fixes the class: no
/// endpoint meets a string it cannot decode. NUL is refused too: it cannot be stored in PostgreSQL <c>text</c> and is
/// cut off by native code and log pipelines. The check is one pass of <see cref="Utf8JsonReader"/> over the body and
/// allocates nothing for strings of up to 256 bytes.
/// </remarks>
internal static class JsonText
{
    private const int StackLimit = 256;

    /// <summary>Returns why the document holds text that is not usable, or <see langword="null"/> when all of it is.</summary>
    /// <param name="json">A document that <see cref="JsonDocument"/> parsed with the same <paramref name="maxDepth"/>.</param>
    /// <param name="maxDepth">The maximum depth.</param>
    public static string? FindInvalidText(ReadOnlySpan<byte> json, int maxDepth)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth });
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && Check(ref reader) is { } why)
            {
                string what = reader.TokenType == JsonTokenType.PropertyName ? "A property name" : "A string";
                return $"{what} at byte {reader.TokenStartIndex} of the request body {why}; send UTF-8 text without NUL characters.";
            }
        }

        return null;
    }

    /// <summary>
    /// Reads a string value, or <see langword="null"/> when it is not one or cannot be decoded. Bodies read by
    /// <see cref="JsonBody"/> were checked already; this keeps a field reader safe on its own.
    /// </summary>
    public static string? TryGetString(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string? Check(ref Utf8JsonReader reader)
    {
        ReadOnlySpan<byte> raw = reader.ValueSpan;
        if (!reader.ValueIsEscaped)
        {
            // Unescaped JSON text cannot hold a raw control character (the reader refuses it), so only UTF-8 is left.
            return Utf8.IsValid(raw) ? null : "is not valid UTF-8 (invalid, overlong or surrogate byte sequences)";
        }

        byte[]? rented = null;
        Span<byte> unescaped = raw.Length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(raw.Length));
        try
        {
            int length;
            try
            {
                length = reader.CopyString(unescaped);
            }
            catch (InvalidOperationException)
            {
                return "holds a lone surrogate escape (such as \\ud800 or \\udfff)";
            }

            ReadOnlySpan<byte> text = unescaped[..length];
            if (!Utf8.IsValid(text))
            {
                return "is not valid Unicode (invalid UTF-8, or a lone surrogate escape such as \\ud800 or \\udfff)";
            }

            return text.Contains((byte)0) ? "holds a NUL character (\\u0000)" : null;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
