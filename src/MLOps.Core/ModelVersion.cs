using System.Globalization;
using System.Text.Json.Serialization;
using MLOps.Internal;

namespace MLOps;

/// <summary>
/// The number of one version of a model. Versions start at 1 and are allocated monotonically by the registry
/// (or, for a file or in-memory source, counted by successful loads in this process).
/// </summary>
/// <remarks>In JSON a version is a plain number (<c>3</c>); <see langword="default"/> is written as 0.</remarks>
[JsonConverter(typeof(ModelVersionJsonConverter))]
public readonly struct ModelVersion : IEquatable<ModelVersion>, IComparable<ModelVersion>, ISpanFormattable
{
    private static readonly string[] SmallStrings = CreateSmallStrings();

    /// <summary>Initializes a new version number.</summary>
    /// <param name="number">The version number; must be at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="number"/> is less than 1.</exception>
    public ModelVersion(int number)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        Number = number;
    }

    /// <summary>Gets the version number (0 only for <see langword="default"/>, which denotes "no version").</summary>
    public int Number { get; }

    /// <summary>Parses a version number such as <c>3</c> (a leading <c>v</c> is accepted: <c>v3</c>).</summary>
    /// <param name="version">The text to parse.</param>
    /// <returns>The version.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="version"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="version"/> is not a positive integer.</exception>
    public static ModelVersion Parse(string version)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (!TryParse(version, out ModelVersion result))
        {
            throw new ArgumentException(
                $"'{ModelName.Truncate(version)}' is not a valid model version: a version is a positive integer such as '3'.",
                nameof(version));
        }

        return result;
    }

    /// <summary>Tries to parse a version number.</summary>
    /// <param name="version">The text to parse.</param>
    /// <param name="result">The version when this method returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> if <paramref name="version"/> is a positive integer.</returns>
    public static bool TryParse(ReadOnlySpan<char> version, out ModelVersion result)
    {
        if (version.Length > 0 && (version[0] == 'v' || version[0] == 'V'))
        {
            version = version[1..];
        }

        if (version.Length > 0 && char.IsAsciiDigit(version[0])
            && int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number >= 1)
        {
            result = new ModelVersion(number);
            return true;
        }

        result = default;
        return false;
    }

    /// <inheritdoc/>
    public bool Equals(ModelVersion other) => Number == other.Number;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ModelVersion other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Number;

    /// <inheritdoc/>
    public int CompareTo(ModelVersion other) => Number.CompareTo(other.Number);

    /// <summary>Returns the version number as invariant text; cached for small numbers, so it does not allocate.</summary>
    /// <returns>The version number as a string.</returns>
    public override string ToString() =>
        (uint)Number < (uint)SmallStrings.Length ? SmallStrings[Number] : Number.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => Number.ToString(format, formatProvider);

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        Number.TryFormat(destination, out charsWritten, format, provider);

    /// <summary>Compares two versions for equality.</summary>
    /// <param name="left">The first version.</param>
    /// <param name="right">The second version.</param>
    /// <returns><see langword="true"/> if equal.</returns>
    public static bool operator ==(ModelVersion left, ModelVersion right) => left.Equals(right);

    /// <summary>Compares two versions for inequality.</summary>
    /// <param name="left">The first version.</param>
    /// <param name="right">The second version.</param>
    /// <returns><see langword="true"/> if not equal.</returns>
    public static bool operator !=(ModelVersion left, ModelVersion right) => !left.Equals(right);

    /// <summary>Orders two versions.</summary>
    /// <param name="left">The first version.</param>
    /// <param name="right">The second version.</param>
    /// <returns><see langword="true"/> if <paramref name="left"/> is older.</returns>
    public static bool operator <(ModelVersion left, ModelVersion right) => left.Number < right.Number;

    /// <summary>Orders two versions.</summary>
    /// <param name="left">The first version.</param>
    /// <param name="right">The second version.</param>
    /// <returns><see langword="true"/> if <paramref name="left"/> is newer.</returns>
    public static bool operator >(ModelVersion left, ModelVersion right) => left.Number > right.Number;

    /// <summary>Orders two versions.</summary>
    /// <param name="left">The first version.</param>
    /// <param name="right">The second version.</param>
    /// <returns><see langword="true"/> if <paramref name="left"/> is older or equal.</returns>
    public static bool operator <=(ModelVersion left, ModelVersion right) => left.Number <= right.Number;

    /// <summary>Orders two versions.</summary>
    /// <param name="left">The first version.</param>
    /// <param name="right">The second version.</param>
    /// <returns><see langword="true"/> if <paramref name="left"/> is newer or equal.</returns>
    public static bool operator >=(ModelVersion left, ModelVersion right) => left.Number >= right.Number;

    private static string[] CreateSmallStrings()
    {
        var strings = new string[1024];
        for (int i = 0; i < strings.Length; i++)
        {
            strings[i] = i.ToString(CultureInfo.InvariantCulture);
        }

        return strings;
    }
}
