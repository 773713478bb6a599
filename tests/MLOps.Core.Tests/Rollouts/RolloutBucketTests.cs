using MLOps.Internal.Rollouts;

namespace MLOps.Core.Tests.Rollouts;

public class RolloutBucketTests
{
    private const int Keys = 20_000;

    // From Python (python3-xxhash 3.2.0): seed = xxhash.xxh3_64_intdigest(b"rollout-1");
    // xxhash.xxh3_64_intdigest(key.encode("utf-8"), seed=seed) % 10000. The bucket is reproducible outside .NET.
    [Theory]
    [InlineData("customer-42", 6596)]
    [InlineData("alice", 4176)]
    [InlineData("", 5350)]
    [InlineData("h\u00e9llo-\u00fc-\u6f22\u5b57", 2384)]
    public void Of_KnownKeys_MatchPythonXxh3(string key, int bucket)
    {
        Assert.Equal(1712072062957890582L, RolloutBucket.Seed("rollout-1"));
        Assert.Equal(bucket, RolloutBucket.Of(key, RolloutBucket.Seed("rollout-1")));
    }

    [Fact]
    public void Of_KeysLongerThanTheStackBuffer_MatchPythonXxh3()
    {
        long seed = RolloutBucket.Seed("rollout-1");

        Assert.Equal(9419, RolloutBucket.Of(new string('k', 300), seed));
        Assert.Equal(9935, RolloutBucket.Of(new string('\u00e9', 200), seed));
    }

    [Fact]
    public void Of_AnotherRolloutId_DrawsAnotherBucket()
    {
        Assert.Equal(7061, RolloutBucket.Of("customer-42", RolloutBucket.Seed("rollout-2")));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(25)]
    [InlineData(50)]
    [InlineData(90)]
    public void Of_20000RandomKeys_ShareOnTheCandidateIsWithinFiveSigmaOfTheWeight(int weight)
    {
        long seed = RolloutBucket.Seed("rollout-" + weight);
        int onCandidate = RandomKeys(Keys, seed: weight).Count(k => RolloutBucket.Of(k, seed) < weight * 100);

        AssertWithinFiveSigma(onCandidate, Keys, weight / 100.0, $"weight {weight} %");
    }

    [Fact]
    public void Of_DifferentRolloutIds_Reshuffle()
    {
        long first = RolloutBucket.Seed("rollout-a");
        long second = RolloutBucket.Seed("rollout-b");
        string[] keys = RandomKeys(Keys, seed: 3);

        // At 50 % each, independent assignments agree on half the keys; the same shuffle would agree on all of them.
        int agree = keys.Count(k => (RolloutBucket.Of(k, first) < 5000) == (RolloutBucket.Of(k, second) < 5000));

        AssertWithinFiveSigma(agree, Keys, 0.5, "agreement between two rollouts");
    }

    [Fact]
    public void Random_StaysInRangeAndCoversIt()
    {
        int[] draws = Enumerable.Range(0, Keys).Select(_ => RolloutBucket.Random()).ToArray();

        Assert.All(draws, d => Assert.InRange(d, 0, RolloutBucket.Count - 1));
        AssertWithinFiveSigma(draws.Count(d => d < 2500), Keys, 0.25, "random draws below 2500");
    }

    internal static string[] RandomKeys(int count, int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[16];
        return Enumerable.Range(0, count).Select(_ =>
        {
            random.NextBytes(bytes);
            return new Guid(bytes).ToString();
        }).ToArray();
    }

    internal static void AssertWithinFiveSigma(int hits, int trials, double p, string what)
    {
        double sigma = Math.Sqrt(trials * p * (1 - p));
        double expected = trials * p;
        Assert.True(
            Math.Abs(hits - expected) <= 5 * sigma,
            $"{what}: {hits} of {trials}, expected {expected:F0} ± {5 * sigma:F0} (5 sigma)");
    }
}
