using System.Runtime.CompilerServices;

namespace MLOps.Monitoring.Drift.Internal;

/// <summary>
/// A seeded uniform reservoir sample by Li's Algorithm L (ACM TOMS 20(4), 1994): <see cref="Offer"/> is called only for
/// the values it asks for, in order, and returns the (1-based) number of the next value to offer. While filling that is
/// every value; afterwards it skips geometrically, so a value that is not sampled costs its caller one comparison (no
/// random number, no division) and random numbers are drawn O(k (1 + log(N / k))) times for N values and capacity k.
/// Every subset of k values is equally likely, as with Algorithm R.
/// </summary>
internal sealed class Reservoir
{
    private readonly double[] _sample;
    private ulong _state;
    private double _w;

    public Reservoir(double[] sample, ulong seed)
    {
        _sample = sample;

        // SplitMix64 of the seed: neighbouring seeds (one per feature) give unrelated streams; never 0.
        ulong z = seed + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        _state = (z ^ (z >> 31)) | 1;
    }

    /// <summary>Takes the finite value number <paramref name="index"/> (1-based); returns the index of the next one to take.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public long Offer(double value, long index)
    {
        int capacity = _sample.Length;
        if (capacity == 0)
        {
            return long.MaxValue;
        }

        if (index <= capacity)
        {
            // Filling: every value is taken; after the last one, draw the first skip.
            _sample[index - 1] = value;
            if (index < capacity)
            {
                return index + 1;
            }

            _w = Math.Exp(Math.Log(Uniform()) / capacity);
            return Skip(index);
        }

        _sample[(int)Math.BigMul(NextBits(), (ulong)capacity, out _)] = value;
        _w *= Math.Exp(Math.Log(Uniform()) / capacity);
        return Skip(index);
    }

    private long Skip(long index)
    {
        double skip = Math.Floor(Math.Log(Uniform()) / Math.Log(1 - _w));
        return skip is >= 0 and < 1e18 ? index + (long)skip + 1 : long.MaxValue;
    }

    /// <summary>Uniform in (0, 1): 53 random bits, centred in their interval so 0 never occurs.</summary>
    private double Uniform() => ((NextBits() >> 11) + 0.5) * (1.0 / (1UL << 53));

    private ulong NextBits()
    {
        _state ^= _state >> 12;
        _state ^= _state << 25;
        _state ^= _state >> 27;
        return _state * 2685821657736338717UL;
    }
}
