namespace MLOps.Monitoring.Quality;

/// <summary>Data of <see cref="IModelQualityMonitor.QualityWindowClosed"/>.</summary>
public sealed class QualityWindowClosedEventArgs : EventArgs
{
    /// <summary>Initializes the event data.</summary>
    /// <param name="window">The window that closed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="window"/> is <see langword="null"/>.</exception>
    public QualityWindowClosedEventArgs(QualityWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        Window = window;
    }

    /// <summary>Gets the window that closed.</summary>
    public QualityWindow Window { get; }
}
