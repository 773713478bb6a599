using Microsoft.Extensions.Logging;
using MLOps.Shared.Events;

namespace MLOps.Monitoring.Quality.Internal;

/// <summary>
/// Holds the subscribers of <see cref="IModelQualityMonitor.Subscribe"/> and delivers closed windows, isolating failing
/// handlers; also the internal feeds of scored predictions and shadow comparisons the rollout analysis reads.
/// </summary>
internal sealed class QualityEvents(ILogger logger)
{
    private readonly Subscribers<QualityWindow> _subscribers = new(
        (ex, window) => Log.QualityWindowHandlerFailed(logger, ex, window.ModelName.Value, window.ModelVersion, window.Variant));

    public IDisposable Subscribe(Action<QualityWindow> handler) => _subscribers.Subscribe(handler);

    private readonly Subscribers<ScoredPrediction> _scored = new(
        (ex, pair) => Log.QualityWindowHandlerFailed(logger, ex, pair.ModelName, new ModelVersion(pair.Version), pair.Variant));

    private readonly Subscribers<ShadowComparison> _shadow = new(
        (ex, comparison) => Log.QualityWindowHandlerFailed(logger, ex, comparison.ModelName, new ModelVersion(comparison.ShadowVersion), "shadow"));

    public void Raise(QualityWindow window) => _subscribers.Raise(window);

    /// <summary>Whether anyone (the rollout analysis) listens to scored predictions; checked before building one.</summary>
    public bool HasScoredSubscribers => _scored.Any;

    public bool HasShadowSubscribers => _shadow.Any;

    public IDisposable SubscribeScored(Action<ScoredPrediction> handler) => _scored.Subscribe(handler);

    public void RaiseScored(ScoredPrediction prediction) => _scored.Raise(prediction);

    public IDisposable SubscribeShadow(Action<ShadowComparison> handler) => _shadow.Subscribe(handler);

    public void RaiseShadow(ShadowComparison comparison) => _shadow.Raise(comparison);
}
