using Microsoft.Extensions.Logging;
using MLOps.Shared.Events;

namespace MLOps.Monitoring.Quality.Internal;

/// <summary>Holds the subscribers of <see cref="IModelQualityMonitor.Subscribe"/> and delivers closed windows, isolating failing handlers.</summary>
internal sealed class QualityEvents(ILogger logger)
{
    private readonly Subscribers<QualityWindow> _subscribers = new(
        (ex, window) => Log.QualityWindowHandlerFailed(logger, ex, window.ModelName.Value, window.ModelVersion, window.Variant));

    public IDisposable Subscribe(Action<QualityWindow> handler) => _subscribers.Subscribe(handler);

    public void Raise(QualityWindow window) => _subscribers.Raise(window);
}
