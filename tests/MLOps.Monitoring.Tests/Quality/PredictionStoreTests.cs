using MLOps.Monitoring.Quality.Internal;

namespace MLOps.Monitoring.Tests.Quality;

public class PredictionStoreTests
{
    [Fact]
    public void Add_WhenFull_OverwritesTheOldestFirst()
    {
        var store = new PredictionStore(capacity: 3, TimeSpan.FromHours(1));
        PredictionId[] ids = Enumerable.Range(0, 5).Select(_ => PredictionId.NewId()).ToArray();

        foreach (PredictionId id in ids)
        {
            store.Add(Entry(id, ticks: 0));
        }

        Assert.Equal(StoreLookup.NotFound, store.TryGet(ids[0], 0, out _));
        Assert.Equal(StoreLookup.NotFound, store.TryGet(ids[1], 0, out _));
        Assert.All(ids[2..], id => Assert.Equal(StoreLookup.Live, store.TryGet(id, 0, out _)));
        Assert.Equal((3, 2L), (store.Count, store.Evicted));
    }

    [Fact]
    public void TryGet_AfterTimeToLive_IsExpiredAndStaysUntilOverwritten()
    {
        var store = new PredictionStore(capacity: 2, TimeSpan.FromMinutes(10));
        PredictionId id = PredictionId.NewId();
        store.Add(Entry(id, ticks: 0));

        Assert.Equal(StoreLookup.Live, store.TryGet(id, TimeSpan.FromMinutes(10).Ticks, out _));
        Assert.Equal(StoreLookup.Expired, store.TryGet(id, TimeSpan.FromMinutes(10).Ticks + 1, out StoredPrediction expired));
        Assert.Equal(id, expired.Id);
    }

    [Fact]
    public void TryMarkLabelled_Twice_SecondFailsAndLookupReportsLabelled()
    {
        var store = new PredictionStore(capacity: 2, TimeSpan.FromMinutes(10));
        PredictionId id = PredictionId.NewId();
        store.Add(Entry(id, ticks: 0));

        Assert.True(store.TryMarkLabelled(id));
        Assert.False(store.TryMarkLabelled(id));
        Assert.False(store.TryMarkLabelled(PredictionId.NewId()));
        Assert.Equal(StoreLookup.Labelled, store.TryGet(id, 0, out _));
    }

    private static StoredPrediction Entry(PredictionId id, long ticks) =>
        new() { Id = id, UtcTicks = ticks, Version = 1, Variant = "primary", Value = 1, Score = double.NaN };
}
