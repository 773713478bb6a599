using MLOps.Registry.Postgres.Internal;

namespace MLOps.Registry.Tests.Postgres;

/// <summary>The change listener's reconnection schedule: exponential, capped, jittered within [half, all] of the back-off.</summary>
public class PostgresReconnectBackoffTests
{
    [Theory]
    [InlineData(0.0, 500)]
    [InlineData(0.5, 750)]
    [InlineData(0.999999, 999)]
    public void Jittered_IsBetweenHalfAndAllOfTheBackoff(double unit, int expectedMilliseconds)
    {
        TimeSpan wait = PostgresChangeListener.Jittered(TimeSpan.FromSeconds(1), unit);

        Assert.Equal(expectedMilliseconds, (int)wait.TotalMilliseconds);
    }

    [Fact]
    public void Jittered_ManyDraws_SpreadOverTheWholeHalfInterval()
    {
        var random = new Random(42);
        TimeSpan backoff = TimeSpan.FromSeconds(8);
        double[] waits = Enumerable.Range(0, 10_000).Select(_ => PostgresChangeListener.Jittered(backoff, random.NextDouble()).TotalSeconds).ToArray();

        Assert.All(waits, w => Assert.InRange(w, 4.0, 8.0));
        // Uniform on [4, 8): each quarter of the interval holds about a quarter of the draws (binomial sd ≈ 43).
        for (int quarter = 0; quarter < 4; quarter++)
        {
            double low = 4 + quarter, high = low + 1;
            int count = waits.Count(w => w >= low && w < high);
            Assert.InRange(count, 2_300, 2_700);
        }
    }

    [Fact]
    public void Next_DoublesUpToThirtyTimesTheConfiguredDelay()
    {
        TimeSpan configured = TimeSpan.FromSeconds(1);
        var schedule = new List<double>();
        TimeSpan delay = configured;
        for (int attempt = 0; attempt < 8; attempt++)
        {
            schedule.Add(delay.TotalSeconds);
            delay = PostgresChangeListener.Next(delay, configured);
        }

        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], schedule);
    }
}
