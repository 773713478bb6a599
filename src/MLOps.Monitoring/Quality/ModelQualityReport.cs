using MLOps.Monitoring.Reports.Internal;

namespace MLOps.Monitoring.Quality;

/// <summary>
/// The latest quality of one model: per version and variant, its latest closed window and its current partial window,
/// and the recent closed windows of all of them.
/// </summary>
public sealed class ModelQualityReport
{
    internal ModelQualityReport(
        ModelName modelName,
        QualityTask task,
        IReadOnlyList<QualityWindow> closed,
        IReadOnlyList<QualityWindow> current,
        IReadOnlyList<QualityWindow> history,
        long joined,
        long late,
        long duplicate,
        long invalid,
        bool isFleetFollower = false)
    {
        ModelName = modelName;
        Task = task;
        Closed = closed;
        Current = current;
        History = history;
        JoinedFeedback = joined;
        LateFeedback = late;
        DuplicateFeedback = duplicate;
        InvalidFeedback = invalid;
        IsFleetFollower = isFleetFollower;
    }

    /// <summary>Gets the model name.</summary>
    public ModelName ModelName { get; }

    /// <summary>Gets the model's task.</summary>
    public QualityTask Task { get; }

    /// <summary>Gets the latest closed window of each version and variant that has closed one, newest version first.</summary>
    public IReadOnlyList<QualityWindow> Closed { get; }

    /// <summary>Gets the current, still open window of each version and variant that has one, newest version first.</summary>
    public IReadOnlyList<QualityWindow> Current { get; }

    /// <summary>
    /// Gets the recent closed windows of every version and variant, oldest first (in the order they closed): at most the
    /// last 50 closed since the process started (kept in memory, not across restarts; on a fleet's follower, the last 50
    /// the leader published, read from the fleet's store), so a metric can be followed over time. The latest of each
    /// version and variant is also in <see cref="Closed"/>.
    /// </summary>
    public IReadOnlyList<QualityWindow> History { get; }

    /// <summary>Gets the feedback joined since the process started.</summary>
    public long JoinedFeedback { get; }

    /// <summary>Gets the late feedback since the process started (known predictions older than the feedback time-to-live).</summary>
    public long LateFeedback { get; }

    /// <summary>Gets the duplicate feedback since the process started.</summary>
    public long DuplicateFeedback { get; }

    /// <summary>Gets the invalid feedback for this model's predictions since the process started (wrong kind, not finite, outside the accepted range, or for a refused prediction).</summary>
    public long InvalidFeedback { get; }

    /// <summary>
    /// Gets whether the report was made on a follower of a fleet (fleet mode, <c>AddPostgresMonitoring</c>): then
    /// <see cref="Closed"/> and <see cref="History"/> are the windows the fleet's leader published (refreshed about
    /// every second), and <see cref="Current"/> is empty, because the open windows live only on the leader. The feedback
    /// counts are this replica's own.
    /// </summary>
    public bool IsFleetFollower { get; }

    /// <summary>
    /// Renders the report as one self-contained HTML page: per version and variant the latest closed and the current
    /// window with their metrics, line charts of each metric over the <see cref="History"/> and the current windows,
    /// charts of the largest segments over the latest closed and the current window, and the tables of their numbers. Inline CSS and SVG, no script, nothing loaded from elsewhere; every name is
    /// HTML-encoded; numbers are those of the report's JSON, rounded to 6 significant digits (invariant culture).
    /// </summary>
    /// <returns>The HTML document.</returns>
    public string ToHtml() => QualityReportHtml.Render(this);

    /// <summary>Writes <see cref="ToHtml"/> to a file (UTF-8, replacing it).</summary>
    /// <param name="path">The file path.</param>
    /// <param name="cancellationToken">A token that cancels the write.</param>
    /// <returns>A task that completes when the file is written.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is <see langword="null"/>, empty or white space.</exception>
    public Task SaveHtmlAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return ReportPage.SaveAsync(path, ToHtml(), cancellationToken);
    }
}
