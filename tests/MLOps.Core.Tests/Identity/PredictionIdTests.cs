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
}
