using System.Buffers;
using System.IO.Hashing;
using System.Text;

namespace MLOps.Internal.Rollouts;

/// <summary>
/// Assigns a request to a bucket in [0, <see cref="Count"/>): <c>xxh3_64(utf8(key), seed) mod 10000</c>, the seed being
/// <c>xxh3_64(utf8(rolloutId))</c>. The request goes to the candidate when its bucket is below the candidate's weight × 100,
/// so a key keeps its arm across replicas and restarts and stays on the candidate as the weight grows. UTF-8 keeps the
/// bucket reproducible outside .NET (Python: <c>xxhash.xxh3_64_intdigest(key.encode(), seed) % 10000</c>).
/// </summary>
internal static class RolloutBucket
{
    /// <summary>The number of buckets: one per hundredth of a percent of weight.</summary>
    public const int Count = 10_000;

    private const int StackLimit = 512;

    public static long Seed(string rolloutId) => unchecked((long)Hash(rolloutId, seed: 0));

    public static int Of(string key, long seed) => (int)(Hash(key, seed) % Count);

    /// <summary>A random bucket, for a request without a key.</summary>
    public static int Random() => System.Random.Shared.Next(Count);

    private static ulong Hash(string text, long seed)
    {
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (max <= StackLimit)
        {
            Span<byte> buffer = stackalloc byte[StackLimit];
            int length = Encoding.UTF8.GetBytes(text, buffer);
            return XxHash3.HashToUInt64(buffer[..length], seed);
        }

        byte[] rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            int length = Encoding.UTF8.GetBytes(text, rented);
            return XxHash3.HashToUInt64(rented.AsSpan(0, length), seed);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
