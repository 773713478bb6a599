using System.Text.Json;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Reports.Internal;

namespace MLOps.Monitoring.Drift;

/// <summary>The comparison of current data (a batch or a monitoring window) with a reference profile.</summary>
public sealed record DriftReport
{
    /// <summary>Gets the model name, for reports of online monitoring (otherwise <see langword="null"/>).</summary>
    public ModelName? ModelName { get; init; }

    /// <summary>Gets the model version that served the window, for reports of online monitoring.</summary>
    public int? ModelVersion { get; init; }

    /// <summary>Gets when the report was made.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when the window began (online monitoring), or <see langword="null"/>.</summary>
    public DateTimeOffset? WindowStart { get; init; }

    /// <summary>Gets the number of reference rows.</summary>
    public required long ReferenceRows { get; init; }

    /// <summary>Gets the number of current rows.</summary>
    public required long CurrentRows { get; init; }

    /// <summary>Gets the per-feature results, in reference order.</summary>
    public required IReadOnlyList<FeatureDriftResult> Features { get; init; }

    /// <summary>Gets the number of evaluated features that drifted.</summary>
    public required int DriftedFeatures { get; init; }

    /// <summary>Gets the number of features that could be evaluated.</summary>
    public required int EvaluatedFeatures { get; init; }

    /// <summary>Gets the share of evaluated features that drifted (0 when none was evaluated).</summary>
    public required double DriftShare { get; init; }

    /// <summary>Gets the share at or above which the dataset counts as drifted.</summary>
    public required double DriftShareThreshold { get; init; }

    /// <summary>Gets whether the dataset drifted (<see cref="DriftShare"/> ≥ <see cref="DriftShareThreshold"/>).</summary>
    public required bool DatasetDrift { get; init; }

    /// <summary>Gets the correction applied to the p-values.</summary>
    public required MultipleTestingCorrection Correction { get; init; }

    /// <summary>Gets the data quality of the current data.</summary>
    public required DataQualityReport DataQuality { get; init; }

    /// <summary>Reads a report written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="JsonException">The text is not a drift report.</exception>
    public static DriftReport FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize<DriftReport>(json, ReferenceProfile.JsonOptions) ?? throw new JsonException("Not a drift report.");
    }

    /// <summary>Writes the report as JSON (camelCase, enums as strings, NaN as <c>"NaN"</c>).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, ReferenceProfile.JsonOptions);

    /// <summary>
    /// Renders the report as one self-contained HTML page: the verdict, per-feature results, data quality and a chart
    /// of each feature's reference and current shares with the table of its numbers. Inline CSS and SVG, no script,
    /// nothing loaded from elsewhere (it opens offline and prints); every name is HTML-encoded; numbers are the JSON's,
    /// rounded to 6 significant digits (invariant culture).
    /// </summary>
    /// <returns>The HTML document.</returns>
    public string ToHtml() => DriftReportHtml.Render(this);

    /// <summary>
    /// Renders the report like <see cref="ToHtml()"/>, with a section on the served version's permutation feature
    /// importance (a bar per feature with its standard deviation, and whether each drifted in this window) when
    /// <paramref name="featureImportance"/> is not empty: a drifted feature the model leans on stands out.
    /// </summary>
    /// <param name="featureImportance">The version's importance (<see cref="RegisteredModelVersion.FeatureImportance"/>), or <see langword="null"/>.</param>
    /// <returns>The HTML document.</returns>
    public string ToHtml(IReadOnlyList<FeatureImportance>? featureImportance) => DriftReportHtml.Render(this, featureImportance);

    /// <summary>Writes <see cref="ToHtml()"/> to a file (UTF-8, replacing it).</summary>
    /// <param name="path">The file path.</param>
    /// <param name="cancellationToken">A token that cancels the write.</param>
    /// <returns>A task that completes when the file is written.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is <see langword="null"/>, empty or white space.</exception>
    public Task SaveHtmlAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return ReportPage.SaveAsync(path, ToHtml(), cancellationToken);
    }

    /// <summary>Finds a feature's result by name.</summary>
    /// <param name="feature">The feature name.</param>
    /// <returns>The result, or <see langword="null"/>.</returns>
    public FeatureDriftResult? Find(string feature) => Features.FirstOrDefault(f => f.Feature == feature);
}
