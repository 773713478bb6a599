using MLOps.Monitoring.Batch.Internal;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Reports.Internal;

namespace MLOps.Monitoring.Batch;

/// <summary>The result of a batch monitoring job over one model's logged predictions in a time range.</summary>
public sealed class BatchMonitoringReport
{
    internal BatchMonitoringReport(
        BatchMonitoringRequest request,
        DateTimeOffset createdAt,
        long rows,
        long rowsWithInputs,
        long labelledRows,
        IReadOnlyList<DriftReport> drift,
        ModelQualityReport? quality,
        IReadOnlyList<string> notes)
    {
        Model = request.Model;
        From = request.From;
        To = request.To;
        CreatedAt = createdAt;
        Rows = rows;
        RowsWithInputs = rowsWithInputs;
        LabelledRows = labelledRows;
        Drift = drift;
        Quality = quality;
        Notes = notes;
    }

    /// <summary>Gets the model.</summary>
    public ModelName Model { get; }

    /// <summary>Gets the start of the range (inclusive).</summary>
    public DateTimeOffset From { get; }

    /// <summary>Gets the end of the range (exclusive).</summary>
    public DateTimeOffset To { get; }

    /// <summary>Gets when the job finished.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>Gets the number of logged predictions of the model in the range.</summary>
    public long Rows { get; }

    /// <summary>Gets how many of them carry their inputs (logged with <c>LogInputs()</c>); only those enter the drift reports.</summary>
    public long RowsWithInputs { get; }

    /// <summary>Gets how many of them have ground truth in the log; only those enter the quality report.</summary>
    public long LabelledRows { get; }

    /// <summary>
    /// Gets one drift report per model version that served rows with inputs and has a reference profile, newest
    /// version first: that version's rows compared with that version's reference (or with
    /// <see cref="BatchMonitoringRequest.Reference"/>). <see cref="DriftReport.WindowStart"/> is the first row's time.
    /// </summary>
    public IReadOnlyList<DriftReport> Drift { get; }

    /// <summary>
    /// Gets the quality of the labelled rows, per version and variant, in windows computed by the same code as the
    /// online windows (replayed in prediction order, each window stamped with the prediction times): closed windows
    /// in <see cref="ModelQualityReport.History"/> (the last 50) and <see cref="ModelQualityReport.Closed"/>, the final
    /// partial window of each version and variant in <see cref="ModelQualityReport.Current"/>. <see langword="null"/>
    /// when there is no ground truth in the range or the task is unknown (see <see cref="Notes"/>).
    /// </summary>
    public ModelQualityReport? Quality { get; }

    /// <summary>Gets what the job could not do and why (rows without inputs, a version without a reference profile, no ground truth, an unknown task).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Gets whether any version's drift report found dataset drift.</summary>
    public bool DatasetDrift => Drift.Any(d => d.DatasetDrift);

    /// <summary>
    /// Renders the report as one self-contained HTML page: the job's facts and notes, then each version's drift report
    /// and the quality report as <see cref="DriftReport.ToHtml()"/> and <see cref="ModelQualityReport.ToHtml"/> render
    /// them. Inline CSS and SVG, no script, nothing loaded from elsewhere.
    /// </summary>
    /// <returns>The HTML document.</returns>
    public string ToHtml() => BatchReportHtml.Render(this);

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
