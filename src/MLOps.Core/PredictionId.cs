using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace MLOps;

/// <summary>
/// The unique identifier of one prediction, used to join delayed ground truth (feedback) with the prediction.
/// </summary>
/// <remarks>
/// An id is 128 bits: 64 random bits chosen once per process followed by a 64-bit per-process sequence number (each
/// thread takes blocks of 4,096 numbers, so ids are unique but not ordered across threads); creating one touches no
/// shared memory in the common case and never allocates, and ids from different processes or replicas do
/// not collide in practice. Ids are formatted as 32 lowercase hexadecimal digits (the <see cref="Guid"/> "N" format).
/// </remarks>
public readonly struct PredictionId : IEquatable<PredictionId>, ISpanFormattable
{
    private const int BlockSize = 4096;
    private static readonly ulong ProcessPrefix = CreateProcessPrefix();
    private static long s_sequence;

    [ThreadStatic]
    private static ulong t_next;

    [ThreadStatic]
    private static ulong t_end;

    private readonly ulong _high;
    private readonly ulong _low;

    private PredictionId(ulong high, ulong low)
    {
        _high = high;
        _low = low;
    }

    /// <summary>Gets whether this is the empty (default) id.</summary>
    public bool IsEmpty => _high == 0 && _low == 0;

    /// <summary>Creates a new, process-unique id without allocating.</summary>
    /// <returns>The new id.</returns>
    public static PredictionId NewId()
    {
        // Each thread takes blocks of sequence numbers, so the common case touches no shared memory.
        if (t_next == t_end)
        {
            t_end = (ulong)Interlocked.Add(ref s_sequence, BlockSize);
            t_next = t_end - BlockSize;
        }

        return new(ProcessPrefix, ++t_next);
    }

    /// <summary>Creates an id from a <see cref="Guid"/> (for ids stored or received elsewhere).</summary>
    /// <param name="value">The GUID.</param>
    /// <returns>The id.</returns>
    public static PredictionId FromGuid(Guid value)
    {
        Span<byte> bytes = stackalloc byte[16];
        value.TryWriteBytes(bytes, bigEndian: true, out _);
        return new(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
    }

    /// <summary>Parses an id in any format <see cref="Guid.Parse(string)"/> accepts (32 hex digits, with or without hyphens).</summary>
    /// <param name="value">The text to parse.</param>
    /// <returns>The id.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="value"/> is not a prediction id.</exception>
    public static PredictionId Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!TryParse(value, out PredictionId id))
        {
            throw new ArgumentException($"'{ModelName.Truncate(value)}' is not a valid prediction id: expected 32 hexadecimal digits.", nameof(value));
        }

        return id;
    }

    /// <summary>Tries to parse an id.</summary>
    /// <param name="value">The text to parse.</param>
    /// <param name="result">The id when this method returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> if <paramref name="value"/> is a valid, non-empty id.</returns>
    public static bool TryParse([NotNullWhen(true)] string? value, out PredictionId result) => TryParse(value.AsSpan(), out result);

    /// <summary>Tries to parse an id.</summary>
    /// <param name="value">The text to parse.</param>
    /// <param name="result">The id when this method returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> if <paramref name="value"/> is a valid, non-empty id.</returns>
    public static bool TryParse(ReadOnlySpan<char> value, out PredictionId result)
    {
        if (Guid.TryParse(value, out Guid guid) && guid != Guid.Empty)
        {
            result = FromGuid(guid);
            return true;
        }

        result = default;
        return false;
    }

    /// <summary>Converts the id to a <see cref="Guid"/> with the same 32 hexadecimal digits.</summary>
    /// <returns>The GUID.</returns>
    public Guid ToGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, _high);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], _low);
        return new Guid(bytes, bigEndian: true);
    }

    /// <inheritdoc/>
    public bool Equals(PredictionId other) => _high == other._high && _low == other._low;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is PredictionId other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_high, _low);

    /// <summary>Formats the id as 32 lowercase hexadecimal digits.</summary>
    /// <returns>The formatted id.</returns>
    public override string ToString() => ToGuid().ToString("N");

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToGuid().ToString(string.IsNullOrEmpty(format) ? "N" : format, formatProvider);

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        ToGuid().TryFormat(destination, out charsWritten, format.IsEmpty ? "N" : format);

    /// <summary>Compares two ids for equality.</summary>
    /// <param name="left">The first id.</param>
    /// <param name="right">The second id.</param>
    /// <returns><see langword="true"/> if equal.</returns>
    public static bool operator ==(PredictionId left, PredictionId right) => left.Equals(right);

    /// <summary>Compares two ids for inequality.</summary>
    /// <param name="left">The first id.</param>
    /// <param name="right">The second id.</param>
    /// <returns><see langword="true"/> if not equal.</returns>
    public static bool operator !=(PredictionId left, PredictionId right) => !left.Equals(right);

    private static ulong CreateProcessPrefix()
    {
        Span<byte> bytes = stackalloc byte[8];
        ulong prefix;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            prefix = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        }
        while (prefix == 0);

        return prefix;
    }
}
