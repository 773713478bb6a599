using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using MLOps.Internal;

namespace MLOps;

/// <summary>
/// The validated name of a registered or served model, such as <c>taxi-duration</c>.
/// </summary>
/// <remarks>
/// A model name starts with an ASCII letter or digit, followed by at most 127 ASCII letters, digits,
/// <c>_</c>, <c>.</c> or <c>-</c> (<c>^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$</c>). The rule keeps names safe to use
/// as file names, URL segments and metric tag values. Names are case-sensitive.
/// </remarks>
[JsonConverter(typeof(ModelNameJsonConverter))]
public readonly partial struct ModelName : IEquatable<ModelName>, IComparable<ModelName>
{
    /// <summary>The maximum length of a model name.</summary>
    public const int MaxLength = 128;

    /// <summary>The rule every model name must satisfy, as a regular expression.</summary>
    public const string Pattern = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$";

    private readonly string? _value;

    private ModelName(string value) => _value = value;

    /// <summary>Gets the name as a string (empty for <see langword="default"/>).</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>Parses and validates a model name.</summary>
    /// <param name="name">The candidate name.</param>
    /// <returns>The validated name.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> breaks the naming rule; the message names the rule.</exception>
    public static ModelName Parse(string name) => Parse(name, nameof(name));

    internal static ModelName Parse(string name, string paramName)
    {
        ArgumentNullException.ThrowIfNull(name, paramName);
        if (!IsValid(name))
        {
            throw new ArgumentException(
                $"'{Truncate(name)}' is not a valid model name. A model name must start with an ASCII letter or digit, " +
                $"contain only ASCII letters, digits, '_', '.' or '-', and be at most {MaxLength} characters long ({Pattern}).",
                paramName);
        }

        return new ModelName(name);
    }

    /// <summary>Tries to parse a model name.</summary>
    /// <param name="name">The candidate name.</param>
    /// <param name="result">The validated name when this method returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> if <paramref name="name"/> is valid.</returns>
    public static bool TryParse([NotNullWhen(true)] string? name, out ModelName result)
    {
        if (name is not null && IsValid(name))
        {
            result = new ModelName(name);
            return true;
        }

        result = default;
        return false;
    }

    /// <summary>Returns whether <paramref name="name"/> satisfies the model naming rule.</summary>
    /// <param name="name">The candidate name.</param>
    /// <returns><see langword="true"/> if the name is valid.</returns>
    public static bool IsValid([NotNullWhen(true)] string? name) => name is not null && NameRegex().IsMatch(name);

    /// <inheritdoc/>
    public bool Equals(ModelName other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ModelName other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <inheritdoc/>
    public int CompareTo(ModelName other) => string.CompareOrdinal(Value, other.Value);

    /// <summary>Returns the name.</summary>
    /// <returns>The name as a string.</returns>
    public override string ToString() => Value;

    /// <summary>Compares two names for equality.</summary>
    /// <param name="left">The first name.</param>
    /// <param name="right">The second name.</param>
    /// <returns><see langword="true"/> if equal.</returns>
    public static bool operator ==(ModelName left, ModelName right) => left.Equals(right);

    /// <summary>Compares two names for inequality.</summary>
    /// <param name="left">The first name.</param>
    /// <param name="right">The second name.</param>
    /// <returns><see langword="true"/> if not equal.</returns>
    public static bool operator !=(ModelName left, ModelName right) => !left.Equals(right);

    /// <summary>Orders two names ordinally.</summary>
    /// <param name="left">The first name.</param>
    /// <param name="right">The second name.</param>
    /// <returns><see langword="true"/> if <paramref name="left"/> sorts first.</returns>
    public static bool operator <(ModelName left, ModelName right) => left.CompareTo(right) < 0;

    /// <summary>Orders two names ordinally.</summary>
    /// <param name="left">The first name.</param>
    /// <param name="right">The second name.</param>
    /// <returns><see langword="true"/> if <paramref name="left"/> sorts last.</returns>
    public static bool operator >(ModelName left, ModelName right) => left.CompareTo(right) > 0;

    /// <summary>Orders two names ordinally.</summary>
    /// <param name="left">The first name.</param>
    /// <param name="right">The second name.</param>
    /// <returns><see langword="true"/> if <paramref name="left"/> sorts first or equal.</returns>
    public static bool operator <=(ModelName left, ModelName right) => left.CompareTo(right) <= 0;

    /// <summary>Orders two names ordinally.</summary>
    /// <param name="left">The first name.</param>
    /// <param name="right">The second name.</param>
    /// <returns><see langword="true"/> if <paramref name="left"/> sorts last or equal.</returns>
    public static bool operator >=(ModelName left, ModelName right) => left.CompareTo(right) >= 0;

    internal static string Truncate(string value) => value.Length <= 64 ? value : string.Concat(value.AsSpan(0, 64), "…");

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex NameRegex();
}
