using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace MLOps;

/// <summary>
/// The unique identifier of one prediction, used to join delayed ground truth (feedback) with the prediction.
/// </summary>
/// <remarks>
/// <para>
/// An id is 128 bits, all of them from a cryptographically secure generator (<see cref="RandomNumberGenerator"/>), so
/// ids are unique across processes and replicas in practice and cannot be guessed from other ids: consecutive ids and
/// ids made on other threads share no prefix, sequence or any other structure.
/// </para>
/// <para>
/// The id is a bearer capability for feedback: whoever holds it may send the ground truth of that prediction, and only
/// the caller that made the prediction receives it. A guessed or enumerated id would let any client write (or poison) the
/// ground truth of predictions it never made; with 128 random bits, guessing a live id is hopeless (the prediction store
/// holds at most a few hundred thousand ids at a time, so one guess hits with a probability below 2<sup>-100</sup>).
/// A signed feedback token would protect no better: it needs a key shared by every replica (distributed, rotated,
/// kept secret), a longer value and a signature check per feedback, while an unguessable id gives the same protection
/// with nothing to configure.
/// </para>
/// <para>
/// Creating an id never allocates and rarely calls the generator: each thread fills a buffer of
/// 256 ids (4 KiB) with one <see cref="RandomNumberGenerator.Fill(Span{byte})"/> call and hands them out one by one. The
/// empty id is never returned. Ids are formatted as 32 lowercase hexadecimal digits (the <see cref="Guid"/> "N" format).
/// </para>
/// </remarks>
public readonly struct PredictionId : IEquatable<PredictionId>, ISpanFormattable
{
    /// <summary>The ids each thread draws from the generator at once: 256 ids, 4 KiB.</summary>
    private const int BufferedIds = 256;

    /// <summary>This thread's random ids, two <see cref="ulong"/>s each; <see cref="t_next"/> indexes the next unused one.</summary>
    [ThreadStatic]
    private static ulong[]? t_random;

    [ThreadStatic]
    private static int t_next;

    private readonly ulong _high;
    private readonly ulong _low;

    private PredictionId(ulong high, ulong low)
    {
        _high = high;
        _low = low;
    }

    /// <summary>Gets whether this is the empty (default) id.</summary>
    public bool IsEmpty => _high == 0 && _low == 0;

    /// <summary>Creates a new, unguessable id (128 random bits) without allocating.</summary>
    /// <returns>The new id; never the empty id.</returns>
    public static PredictionId NewId()
    {
        while (true)
        {
            ulong[]? buffer = t_random;
            int next = t_next;
            if (buffer is null || next >= buffer.Length)
            {
                buffer = Refill();
                next = 0;
            }

            t_next = next + 2;
            ulong high = buffer[next];
            ulong low = buffer[next + 1];
            if ((high | low) != 0)
            {
                return new(high, low);
            }

            // All 128 bits zero (probability 2^-128) would be the empty id: draw the next one.
        }
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

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ulong[] Refill()
    {
        ulong[] buffer = t_random ??= new ulong[BufferedIds * 2];
        RandomNumberGenerator.Fill(MemoryMarshal.AsBytes(buffer.AsSpan()));
        return buffer;
    }
}
