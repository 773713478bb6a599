using Microsoft.Extensions.Logging;

namespace MLOps.Monitoring.Quality.Internal;

/// <summary>Holds the subscribers of <see cref="IModelQualityMonitor.QualityWindowClosed"/> and raises it, isolating failing handlers.</summary>
internal sealed class QualityEvents(ILogger logger)
{
    public event EventHandler<QualityWindowClosedEventArgs>? Closed;

    /// <summary>The sender passed to handlers: the <see cref="IModelQualityMonitor"/>.</summary>
    public object? Sender { get; set; }

    public void Raise(QualityWindow window)
    {
        EventHandler<QualityWindowClosedEventArgs>? handlers = Closed;
        if (handlers is null)
        {
            return;
        }

        var args = new QualityWindowClosedEventArgs(window);
        foreach (Delegate handler in handlers.GetInvocationList())
        {
            try
            {
                ((EventHandler<QualityWindowClosedEventArgs>)handler)(Sender, args);
            }
            catch (Exception ex)
            {
                Log.QualityWindowHandlerFailed(logger, ex, window.ModelName.Value, window.ModelVersion, window.Variant);
            }
        }
    }
}
