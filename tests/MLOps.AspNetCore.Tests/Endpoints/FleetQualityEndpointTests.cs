using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MLOps.AspNetCore.Tests.Support;
using MLOps.Core.Tests.Support;
using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Quality.Feedback;

namespace MLOps.AspNetCore.Tests.Endpoints;

/// <summary>GET …/quality on a follower of a fleet: the windows the leader published, read from the fleet's store.</summary>
public class FleetQualityEndpointTests
{
    [Fact]
    public async Task Quality_OnAFollowerWhenTheFleetStoreGoesDown_ServesTheLastWindowsReadNot500()
    {
        var store = new PublishedWindows();
        await using var app = await TestApp.StartAsync(
            b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromTransformer(TestModels.Distinct[0]).WithQualityMonitoring(q => q.Regression(o => o.Score))),
            services: s => s
                .AddSingleton<IFleetFeedbackQueue>(store)
                .AddSingleton<ILeaderElection>(new Follower()));

        JsonElement report = default;
        await Eventually.HoldsAsync(
            async () => (report = await GetAsync(app)).GetProperty("history").GetArrayLength() == 1,
            "the follower reads the fleet's published window");
        Assert.True(report.GetProperty("isFleetFollower").GetBoolean());
        Assert.Equal(0, report.GetProperty("current").GetArrayLength());
        Assert.Equal(0.5, report.GetProperty("closed")[0].GetProperty("metrics").GetProperty("rmse").GetDouble());

        store.Down = true;
        int failedReads = store.Reads;
        await Eventually.HoldsAsync(() => store.Reads >= failedReads + 2, "the follower tries the dead store again");

        report = await GetAsync(app);
        Assert.Equal(1, report.GetProperty("history").GetArrayLength());
        Assert.Equal(40L, report.GetProperty("history")[0].GetProperty("count").GetInt64());

        using HttpResponseMessage html = await app.Client.GetAsync(new Uri("/mlops/models/house/quality/report.html", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        Assert.Contains("only on the leader", await html.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> GetAsync(TestApp app)
    {
        using HttpResponseMessage response = await app.Client.GetAsync(new Uri("/mlops/models/house/quality", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    private sealed class Follower : ILeaderElection
    {
        public bool IsLeader => false;

        public IDisposable Subscribe(Action<bool> handler) => new Subscription();

        private sealed class Subscription : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }

    /// <summary>A fleet store holding one published window, which can go down.</summary>
    private sealed class PublishedWindows : IFleetFeedbackQueue
    {
        private static readonly QualityWindow Window = QualityWindow.FromJson("""
            {"modelName":"house","modelVersion":1,"variant":"primary","task":"Regression","start":"2026-12-07T03:00:00+00:00",
             "end":"2026-12-07T03:01:00+00:00","isClosed":true,"count":40,"skipped":0,"lateFeedback":0,
             "metrics":{"mae":0.25,"rmse":0.5},"undefinedMetrics":{},"segments":[],"segmentRatios":{}}
            """);

        private int _reads;

        public volatile bool Down;

        public int Reads => Volatile.Read(ref _reads);

        public ValueTask<IReadOnlyList<QualityWindow>> ReadPublishedAsync(ModelName model, int limit, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _reads);
            return Down
                ? throw new System.Net.Sockets.SocketException(111, "connection refused")
                : ValueTask.FromResult<IReadOnlyList<QualityWindow>>([Window]);
        }

        public ValueTask<bool> TryEnqueueAsync(PredictionRecord prediction, FeedbackRecord feedback, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(true);

        public ValueTask<IReadOnlyList<QueuedFeedback>> ReadAsync(Guid joiner, bool includeOtherJoiners, int limit, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("A follower does not read the queue.");

        public ValueTask<IReadOnlySet<long>> ClaimAsync(Guid joiner, IReadOnlyList<QueuedFeedback> pairs, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("A follower does not claim.");

        public ValueTask<bool> TryPublishAsync(Guid joiner, Guid windowId, QualityWindow window, IReadOnlyList<long> positions, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("A follower does not publish.");

        public ValueTask DeleteAsync(Guid joiner, IReadOnlyList<long> positions, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("A follower does not delete.");

        public ValueTask ReleaseAsync(Guid joiner, IReadOnlyList<long>? positions, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("A follower holds no pairs.");
    }
}
