namespace MLOps.Monitoring.Quality;

/// <summary>
/// The quality of every model configured with <c>WithQualityMonitoring</c>, from predictions joined with delayed
/// ground truth (see <see cref="Feedback.IFeedbackSink"/>). Singleton; thread-safe.
/// </summary>
public interface IModelQualityMonitor
{
    /// <summary>
    /// Raised after a quality window closes (count reached, or time interval over), once per window, on the thread
    /// that closed it (a feedback call or the background sweep). Handlers must be quick; an exception thrown by a
    /// handler is logged and does not affect the others. Retrain policies and alert rules subscribe here.
    /// </summary>
    event EventHandler<QualityWindowClosedEventArgs>? QualityWindowClosed;

    /// <summary>Gets the names of the monitored models.</summary>
    IReadOnlyCollection<ModelName> ModelNames { get; }

    /// <summary>Gets the latest quality of a model: the latest closed and the current window per version and variant.</summary>
    /// <param name="modelName">The model name.</param>
    /// <returns>The report, or <see langword="null"/> if the model has no quality monitoring.</returns>
    ModelQualityReport? GetLatest(ModelName modelName);
}
