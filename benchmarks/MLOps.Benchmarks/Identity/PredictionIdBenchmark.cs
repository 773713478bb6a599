using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace MLOps.Benchmarks.Identity;

/// <summary>
/// Cost of one prediction id. <see cref="PredictionId.NewId"/> (128 bits from <see cref="RandomNumberGenerator"/>,
/// drawn 256 ids = 4 KiB at a time per thread) next to <see cref="Guid.NewGuid"/> (the baseline: also 122 random bits
/// from the OS generator, one call per id), the former sequential id (a per-process random prefix plus a per-thread
/// block of a sequence: cheap but guessable; copied here as it was) and an unbuffered 16-byte
/// <see cref="RandomNumberGenerator.Fill(Span{byte})"/> per id (what buffering saves).
/// </summary>
[MemoryDiagnoser]
public class PredictionIdBenchmark
{
    [Benchmark(Baseline = true, Description = "Guid.NewGuid")]
    public Guid NewGuid() => Guid.NewGuid();

    [Benchmark(Description = "PredictionId.NewId (CSPRNG, 256 ids per fill)")]
    public PredictionId NewId() => PredictionId.NewId();

    [Benchmark(Description = "Former sequential id (guessable)")]
    public (ulong, ulong) Sequential() => SequentialId.Next();

    [Benchmark(Description = "RandomNumberGenerator.Fill, 16 bytes per id")]
    public Guid UnbufferedFill()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return new Guid(bytes);
    }

    /// <summary>The id algorithm before unguessable ids (main at f8bb83f), for comparison.</summary>
    private static class SequentialId
    {
        private const int BlockSize = 4096;
        private static readonly ulong Prefix = (ulong)Random.Shared.NextInt64() | 1;
        private static long s_sequence;

        [ThreadStatic]
        private static ulong t_next;

        [ThreadStatic]
        private static ulong t_end;

        public static (ulong, ulong) Next()
        {
            if (t_next == t_end)
            {
                t_end = (ulong)Interlocked.Add(ref s_sequence, BlockSize);
                t_next = t_end - BlockSize;
            }

            return (Prefix, ++t_next);
        }
    }
}
