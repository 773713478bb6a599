namespace MLOps.Monitoring.Quality;

/// <summary>
/// The quality of every model configured with <c>WithQualityMonitoring</c>, from predictions joined with delayed
/// ground truth (see <see cref="Feedback.IFeedbackSink"/>). Singleton; thread-safe.
/// </summary>
public interface IModelQualityMonitor
{
    /// <summary>
    /// Subscribes to closed quality windows: the handler is called after a window closes (count reached, or time
    /// interval over), once per window, with the window (<see cref="QualityWindow.ModelName"/> says which model).
    /// Retrain policies subscribe here.
    /// </summary>
    /// <param name="handler">Called on the thread that closed the window (a feedback call or the background sweep); must be quick. An exception it throws is logged and does not affect the other handlers.</param>
    /// <returns>A subscription; dispose it to unsubscribe.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is <see langword="null"/>.</exception>
    IDisposable Subscribe(Action<QualityWindow> handler);

    /// <summary>Gets the names of the monitored models.</summary>
    IReadOnlyCollection<ModelName> ModelNames { get; }

    /// <summary>
    /// Gets the latest quality of a model: the latest closed and the current window per version and variant, and its
    /// recent closed windows (<see cref="ModelQualityReport.History"/>).
    /// </summary>
    /// <param name="modelName">The model name.</param>
    /// <returns>The report, or <see langword="null"/> if the model has no quality monitoring.</returns>
    ModelQualityReport? GetLatest(ModelName modelName);
}
