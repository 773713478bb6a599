using System.Collections.Concurrent;

namespace MLOps.Monitoring.Quality.Internal;

/// <summary>
/// Keeps at most <see cref="Capacity"/> distinct strings of at most <see cref="MaxLength"/> characters and hands out
/// the kept instance, so that whatever is stored per prediction refers to one of a bounded set of strings (the caller's
/// copy can be collected). Lookups of a known value take no lock and allocate nothing.
/// </summary>
internal sealed class BoundedInterner
{
    private readonly ConcurrentDictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _count;

    public BoundedInterner(int capacity, int maxLength)
    {
        Capacity = capacity;
        MaxLength = maxLength;
    }

    public int Capacity { get; }

    public int MaxLength { get; }

    public int Count => Volatile.Read(ref _count);

    /// <summary>Returns the kept instance of <paramref name="value"/>, or why it cannot be kept.</summary>
    public InternResult TryIntern(string value, out string? interned)
    {
        if (value.Length > MaxLength)
        {
            interned = null;
            return InternResult.TooLong;
        }

        if (_values.TryGetValue(value, out interned))
        {
            return InternResult.Kept;
        }

        lock (_gate)
        {
            if (_values.TryGetValue(value, out interned))
            {
                return InternResult.Kept;
            }

            if (_count >= Capacity)
            {
                interned = null;
                return InternResult.Full;
            }

            _values[value] = value;
            Volatile.Write(ref _count, _count + 1);
            interned = value;
            return InternResult.Kept;
        }
    }
}

/// <summary>The answer of <see cref="BoundedInterner.TryIntern"/>.</summary>
internal enum InternResult
{
    Kept,
    TooLong,
    Full,
}
