using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace MLOps;

/// <summary>
/// A validated, mutable pointer to one version of a registered model, such as <c>champion</c> or <c>challenger</c>.
/// </summary>
/// <remarks>
/// Aliases follow MLflow's rules: one or more word characters or hyphens (<c>^[\w-]+$</c>), at most 255 characters;
/// <c>latest</c> and <c>v&lt;digits&gt;</c> (any case) are reserved because they would be ambiguous with version
/// references. Aliases are case-sensitive.
/// </remarks>
public readonly partial struct ModelAlias : IEquatable<ModelAlias>
{
    /// <summary>The maximum length of an alias.</summary>
    public const int MaxLength = 255;

    /// <summary>The alias conventionally used for the production model.</summary>
    public static ModelAlias Champion { get; } = new("champion");

    /// <summary>The alias conventionally used for the candidate model under evaluation.</summary>
    public static ModelAlias Challenger { get; } = new("challenger");

    private readonly string? _value;

    private ModelAlias(string value) => _value = value;

    /// <summary>Gets the alias as a string (empty for <see langword="default"/>).</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>Parses and validates an alias.</summary>
    /// <param name="alias">The candidate alias.</param>
    /// <returns>The validated alias.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="alias"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="alias"/> breaks the alias rule or is reserved; the message names the rule.</exception>
    public static ModelAlias Parse(string alias) => Parse(alias, nameof(alias));

    internal static ModelAlias Parse(string alias, string paramName)
    {
        ArgumentNullException.ThrowIfNull(alias, paramName);
        string? error = Validate(alias);
        if (error is not null)
        {
            throw new ArgumentException($"'{ModelName.Truncate(alias)}' is not a valid model alias: {error}", paramName);
        }

        return new ModelAlias(alias);
    }

    /// <summary>Tries to parse an alias.</summary>
    /// <param name="alias">The candidate alias.</param>
    /// <param name="result">The validated alias when this method returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> if <paramref name="alias"/> is valid and not reserved.</returns>
    public static bool TryParse([NotNullWhen(true)] string? alias, out ModelAlias result)
    {
        if (alias is not null && Validate(alias) is null)
        {
            result = new ModelAlias(alias);
            return true;
        }

        result = default;
        return false;
    }

    /// <summary>Returns whether <paramref name="alias"/> is a valid, non-reserved alias.</summary>
    /// <param name="alias">The candidate alias.</param>
    /// <returns><see langword="true"/> if valid.</returns>
    public static bool IsValid([NotNullWhen(true)] string? alias) => alias is not null && Validate(alias) is null;

    private static string? Validate(string alias)
    {
        if (alias.Length is 0 or > MaxLength)
        {
            return $"an alias must be 1 to {MaxLength} characters long.";
        }

        if (!AliasRegex().IsMatch(alias))
        {
            return @"an alias may contain only letters, digits, '_' and '-' (^[\w-]+$).";
        }

        if (string.Equals(alias, "latest", StringComparison.OrdinalIgnoreCase) || ReservedVersionRegex().IsMatch(alias))
        {
            return "'latest' and 'v<digits>' are reserved because they are ambiguous with version references.";
        }

        return null;
    }

    /// <inheritdoc/>
    public bool Equals(ModelAlias other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ModelAlias other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <summary>Returns the alias.</summary>
    /// <returns>The alias as a string.</returns>
    public override string ToString() => Value;

    /// <summary>Compares two aliases for equality.</summary>
    /// <param name="left">The first alias.</param>
    /// <param name="right">The second alias.</param>
    /// <returns><see langword="true"/> if equal.</returns>
    public static bool operator ==(ModelAlias left, ModelAlias right) => left.Equals(right);

    /// <summary>Compares two aliases for inequality.</summary>
    /// <param name="left">The first alias.</param>
    /// <param name="right">The second alias.</param>
    /// <returns><see langword="true"/> if not equal.</returns>
    public static bool operator !=(ModelAlias left, ModelAlias right) => !left.Equals(right);

    [GeneratedRegex(@"^[\w-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex AliasRegex();

    [GeneratedRegex(@"^v\d+$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ReservedVersionRegex();
}
