using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Numerics;

namespace MLOps.Core.Tests.Identity;

public class PredictionIdTests
{
    [Fact]
    public void NewId_IsUniqueAcrossThreads()
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<PredictionId>();
        Parallel.For(0, 8, _ =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                ids.Add(PredictionId.NewId());
            }
        });

        Assert.Equal(80_000, ids.Distinct().Count());
    }

    [Fact]
    public void ToString_ParsesBackToTheSameId()
    {
        PredictionId id = PredictionId.NewId();
        string text = id.ToString();

        Assert.Equal(32, text.Length);
        Assert.Equal(id, PredictionId.Parse(text));
        Assert.Equal(id, PredictionId.FromGuid(id.ToGuid()));
        Assert.Equal(id, PredictionId.Parse(id.ToGuid().ToString("D")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-an-id")]
    [InlineData("00000000000000000000000000000000")]
    [InlineData("0123456789abcdef0123456789abcde")]
    public void Parse_Invalid_ThrowsArgumentException(string text)
    {
        var ex = Assert.Throws<ArgumentException>(() => PredictionId.Parse(text));
        Assert.Equal("value", ex.ParamName);
    }

    [Fact]
    public void NewId_DoesNotAllocate()
    {
        PredictionId.NewId();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            PredictionId.NewId();
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    // Regression: ids were a per-process random prefix plus a sequence (…0001, …1001), so one id gave away every other
    // and any client could send feedback for anyone's prediction. Now all 128 bits are random.

    [Fact]
    public void NewId_ConsecutiveIds_ShareNoPrefixOrSequence()
    {
        var ids = new (ulong High, ulong Low)[10_000];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = Halves(PredictionId.NewId());
        }

        // No shared prefix: the first 16 bits alone take many values (a shared 64-bit prefix would give exactly one).
        Assert.True(ids.Select(i => i.High >> 48).Distinct().Count() > 10_000 * 0.8);
        Assert.Equal(ids.Length, ids.Select(i => i.High).Distinct().Count());

        // No sequence: the difference between neighbours is not a small constant in either half.
        int small = 0;
        for (int i = 1; i < ids.Length; i++)
        {
            if (Near(ids[i].Low, ids[i - 1].Low) || Near(ids[i].High, ids[i - 1].High))
            {
                small++;
            }
        }

        Assert.Equal(0, small);

        static bool Near(ulong a, ulong b) => a - b < 1 << 20 || b - a < 1 << 20;
    }

    [Fact]
    public void NewId_IdsOfDifferentThreads_ShareNoPrefix()
    {
        var prefixes = new ConcurrentBag<ulong>();
        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 16 }, _ =>
        {
            for (int i = 0; i < 100; i++)
            {
                prefixes.Add(Halves(PredictionId.NewId()).High >> 32);
            }
        });

        Assert.True(prefixes.Distinct().Count() > 1590, "ids of different threads share a 32-bit prefix");
    }

    [Fact]
    public void NewId_OneMillionIds_AreUniqueAndNeverEmpty()
    {
        var seen = new HashSet<PredictionId>(1_000_000);
        for (int i = 0; i < 1_000_000; i++)
        {
            PredictionId id = PredictionId.NewId();
            Assert.False(id.IsEmpty);
            Assert.True(seen.Add(id));
        }
    }

    [Fact]
    public void NewId_EveryBit_IsSetAboutHalfTheTime()
    {
        const int Count = 20_000;
        var ones = new int[128];
        long total = 0;
        for (int n = 0; n < Count; n++)
        {
            (ulong high, ulong low) = Halves(PredictionId.NewId());
            total += BitOperations.PopCount(high) + BitOperations.PopCount(low);
            for (int bit = 0; bit < 64; bit++)
            {
                ones[bit] += (int)((high >> bit) & 1);
                ones[64 + bit] += (int)((low >> bit) & 1);
            }
        }

        // Each bit is a fair coin: 20,000 flips give 10,000 ± 71 (1 sigma); ±600 is more than 8 sigma.
        Assert.All(ones, count => Assert.InRange(count, (Count / 2) - 600, (Count / 2) + 600));
        Assert.InRange(total / (double)(Count * 128), 0.49, 0.51);
    }

    private static (ulong High, ulong Low) Halves(PredictionId id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.ToGuid().TryWriteBytes(bytes, bigEndian: true, out _);
        return (BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
    }
}
