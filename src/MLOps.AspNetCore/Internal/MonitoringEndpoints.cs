using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Quality.Feedback;

namespace MLOps.AspNetCore.Internal;

/// <summary>Ground truth in, quality, drift, alerts and retraining out: feedback, quality, drift (latest and history), alerts and retrain endpoints.</summary>
internal static class MonitoringEndpoints
{
    public static void MapFeedback(RouteGroupBuilder group, IFeedbackSink sink, MLOpsEndpointOptions options)
    {
        group.MapPost("/predictions/{id}/feedback", async (string id, HttpContext http) =>
            {
                var (document, problem) = await JsonBody.ReadAsync(http, options).ConfigureAwait(false);
                using (document)
                {
                    if (problem is not null)
                    {
                        return problem;
                    }

                    var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
                    if (!PredictionId.TryParse(id, out var predictionId))
                    {
                        errors["id"] = ["Not a prediction id: send the predictionId (32 hexadecimal digits) a predict response returned."];
                    }

                    GroundTruth? actual = null;
                    var root = document!.RootElement;
                    if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("actual", out var value))
                    {
                        errors["actual"] = ["The field is required: the observed outcome (a number, true/false, or a class label)."];
                    }
                    else
                    {
                        actual = value.ValueKind switch
                        {
                            JsonValueKind.Number when value.TryGetDouble(out double number) && double.IsFinite(number) => GroundTruth.FromNumber(number),
                            JsonValueKind.True => GroundTruth.FromBoolean(true),
                            JsonValueKind.False => GroundTruth.FromBoolean(false),
                            JsonValueKind.String when JsonText.TryGetString(value) is { Length: > 0 and <= 256 } label => GroundTruth.FromLabel(label),
                            _ => (GroundTruth?)null,
                        };
                        if (actual is null)
                        {
                            errors["actual"] = ["Must be a finite number, true/false, or a non-empty label of at most 256 characters."];
                        }
                    }

                    if (errors.Count > 0)
                    {
                        return Problems.Invalid(errors);
                    }

                    FeedbackResult result;
                    try
                    {
                        result = await sink.RecordAsync(predictionId, actual!.Value, http.RequestAborted).ConfigureAwait(false);
                    }
                    catch (FeedbackStoreUnavailableException)
                    {
                        http.Response.Headers.RetryAfter = "5";
                        return Results.Problem(
                            statusCode: StatusCodes.Status503ServiceUnavailable,
                            title: "Feedback store unavailable",
                            detail: $"The feedback for prediction {predictionId} was not recorded: the fleet's feedback store cannot be reached. Send it again later.");
                    }

                    return result.Outcome switch
                    {
                        FeedbackOutcome.UnknownPrediction => Results.Problem(
                            statusCode: StatusCodes.Status404NotFound,
                            title: "Unknown prediction",
                            detail: result.Reason ?? $"No prediction {predictionId} is known (never made here, or evicted from the prediction store)."),
                        FeedbackOutcome.Invalid => Problems.Invalid(new Dictionary<string, string[]>
                        {
                            ["actual"] = [result.Reason ?? "The ground truth does not fit the model's task."],
                        }),
                        _ => Results.Json(FeedbackInfo.From(predictionId, result), ModelEndpoint.OutputJson),
                    };
                }
            })
            .WithName("MLOps.Feedback")
            .WithSummary("Send the ground truth of a prediction: {\"actual\": 731.5} (regression), true/false (binary) or a label (multiclass).")
            .WithDescription("Joined feedback updates the model-quality window of the version and variant that made the prediction. Late feedback (the prediction's window already closed) is accepted and counted; a repeated id is reported as a duplicate.")
            .Produces<FeedbackInfo>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    public static void MapQuality(RouteGroupBuilder group, IModelQualityMonitor monitor, TimeProvider timeProvider)
    {
        group.MapGet("/models/{name}/quality", (string name) =>
                ModelName.TryParse(name, out ModelName model) && monitor.GetLatest(model) is { } report
                    ? Results.Json(report, ModelEndpoint.OutputJson)
                    : NoQuality(name))
            .WithName("MLOps.Quality")
            .WithSummary("The model's quality: closed windows and the current one per version and variant, metrics by segment, feedback counts.")
            .Produces<ModelQualityReport>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/models/{name}/quality/report.html", (string name) =>
                ModelName.TryParse(name, out ModelName model) && monitor.GetLatest(model) is { } report
                    ? HtmlReport(report.ToHtml(), model, "quality", timeProvider.GetUtcNow())
                    : NoQuality(name))
            .WithName("MLOps.QualityReportHtml")
            .WithSummary("The model's quality as a self-contained HTML report to download (no script, nothing loaded from elsewhere).")
            .Produces<string>(StatusCodes.Status200OK, "text/html")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static void MapRetrain(RouteGroupBuilder group, MLOps.Monitoring.Retraining.IRetrainCoordinator coordinator, MLOpsEndpointOptions options)
    {
        group.MapPost("/models/{name}/retrain", async (string name, HttpContext http) =>
            {
                var (document, problem) = await JsonBody.ReadAsync(http, options).ConfigureAwait(false);
                using (document)
                {
                    if (problem is not null)
                    {
                        return problem;
                    }

                    var body = new ManagementBody(document);
                    string? reason = body.String("reason", required: true);
                    if (!body.IsValid)
                    {
                        return Problems.Invalid(body.Errors);
                    }

                    // An invalid name cannot have a retrain policy: 404, as for an unknown one.
                    if (!ModelName.TryParse(name, out var model) || coordinator.GetStatus(model) is null)
                    {
                        return Problems.NotMonitored("No retrain policy", name, "is not served with WithRetrainPolicy.");
                    }

                    var trigger = coordinator.RequestRetrain(model, reason!);
                    return Results.Json(
                        new { trigger.Key, ModelName = trigger.ModelName.Value, Kind = trigger.TagValue, trigger.Reason, trigger.RaisedAt, Status = coordinator.GetStatus(model) },
                        ModelEndpoint.OutputJson,
                        statusCode: StatusCodes.Status202Accepted);
                }
            })
            .WithName("MLOps.Retrain")
            .WithSummary("Queue a retrain of the model now (manual triggers skip the cooldown; one retrain per model runs at a time).")
            .Produces(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/models/{name}/retrain", (string name) =>
                ModelName.TryParse(name, out var model) && coordinator.GetStatus(model) is { } status
                    ? Results.Json(status, ModelEndpoint.OutputJson)
                    : Problems.NotMonitored("No retrain policy", name, "is not served with WithRetrainPolicy."))
            .WithName("MLOps.RetrainStatus")
            .WithSummary("The retrain state of a model: running, last run, cooldown, recent runs with metrics of candidate and champion.")
            .Produces<MLOps.Monitoring.Retraining.RetrainStatus>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static void MapDrift(RouteGroupBuilder group, MLOps.Monitoring.Drift.IDriftMonitor monitor)
    {
        // ?scope=replica: this replica's own windows (in fleet mode the default is the fleet's merged report; otherwise both are the same).
        group.MapGet("/models/{name}/drift", (string name, string? scope) =>
                !TryReplicaScope(scope, out bool replica) ? BadScope(scope)
                : ModelName.TryParse(name, out ModelName model) && (replica ? LastOf(monitor.GetReplicaReports(model)) : monitor.GetLatestReport(model)) is { } report
                    ? Results.Text(report.ToJson(), "application/json")
                    : NoDriftReport(name))
            .WithName("MLOps.Drift")
            .WithSummary("The latest drift report of a model (in fleet mode the fleet's, merged over every replica; ?scope=replica for this replica's own window): per feature method, statistic, p-value or distance, threshold, drifted; dataset drift; data quality.")
            .Produces<MLOps.Monitoring.Drift.DriftReport>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/models/{name}/drift/history", (string name, string? scope, HttpContext http) =>
                !TryReplicaScope(scope, out bool replica) ? BadScope(scope)
                : ModelName.TryParse(name, out ModelName model) && monitor.Models.Contains(model)
                    ? History(http, replica ? monitor.GetReplicaReports(model) : monitor.GetReports(model))
                    : Problems.NotMonitored("No drift monitoring", name, "is not monitored with WithDriftMonitoring (or has not served a prediction yet)."))
            .WithName("MLOps.DriftHistory")
            .WithSummary("The recent drift reports of a model, oldest first (at most DriftOptions.HistorySize, kept in memory; ?scope=replica for this replica's own windows in fleet mode); empty before the first window closes.")
            .Produces<MLOps.Monitoring.Drift.DriftReport[]>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/models/{name}/drift/report.html", async (string name, HttpContext http, CancellationToken ct) =>
                ModelName.TryParse(name, out ModelName model) && monitor.GetLatestReport(model) is { } report
                    ? HtmlReport(report.ToHtml(await ImportanceAsync(http.RequestServices, report, ct).ConfigureAwait(false)), model, "drift", report.CreatedAt)
                    : NoDriftReport(name))
            .WithName("MLOps.DriftReportHtml")
            .WithSummary("The latest drift report of a model as a self-contained HTML report to download (charts of each feature's distributions; no script, nothing loaded from elsewhere).")
            .Produces<string>(StatusCodes.Status200OK, "text/html")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private const string HtmlContentType = "text/html; charset=utf-8";

    /// <summary>
    /// The feature importance of the report's version when a registry is registered and has it; otherwise (no registry,
    /// no version, a registry that fails) none, and the report renders without that section.
    /// </summary>
    private static async Task<IReadOnlyList<FeatureImportance>?> ImportanceAsync(IServiceProvider services, MLOps.Monitoring.Drift.DriftReport report, CancellationToken ct)
    {
        if (report is not { ModelName: { } model, ModelVersion: { } version and > 0 } || services.GetService<IModelRegistry>() is not { } registry)
        {
            return null;
        }

        try
        {
            return (await registry.GetVersionAsync(model, new ModelVersion(version), ct).ConfigureAwait(false))?.FeatureImportance;
        }
        catch (ModelRegistryException)
        {
            return null;
        }
    }

    /// <summary>The drift endpoints' <c>scope</c>: absent or <c>fleet</c> (the default reports), or <c>replica</c>.</summary>
    private static bool TryReplicaScope(string? scope, out bool replica)
    {
        replica = string.Equals(scope, "replica", StringComparison.OrdinalIgnoreCase);
        return replica || scope is null || string.Equals(scope, "fleet", StringComparison.OrdinalIgnoreCase);
    }

    private static MLOps.Monitoring.Drift.DriftReport? LastOf(IReadOnlyList<MLOps.Monitoring.Drift.DriftReport> reports) => reports.Count == 0 ? null : reports[^1];

    private static IResult BadScope(string? scope) =>
        Problems.BadRequest($"Unknown scope '{Problems.Shorten(scope ?? string.Empty)}': use 'fleet' (the default) or 'replica'.");

    private static IResult NoDriftReport(string name) =>
        Problems.NotMonitored("No drift report", name, "has no evaluated drift window (not monitored with WithDriftMonitoring, or its first window has not closed).");

    private static IResult NoQuality(string name) =>
        Problems.NotMonitored("No quality monitoring", name, "is not served with WithQualityMonitoring.");

    /// <summary>An HTML report as a download: <c>attachment; filename="&lt;model&gt;-&lt;kind&gt;-&lt;yyyyMMddTHHmmssZ&gt;.html"</c> (model names are ASCII letters, digits, '_', '.', '-').</summary>
    private static HtmlDownload HtmlReport(string html, ModelName model, string kind, DateTimeOffset at)
    {
        string file = string.Create(CultureInfo.InvariantCulture, $"{model.Value}-{kind}-{at.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.html");
        return new HtmlDownload(html, file);
    }

    /// <summary>Writes the HTML with its Content-Disposition (a result, so the header is set only on success).</summary>
    private sealed class HtmlDownload(string html, string fileName) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            httpContext.Response.Headers.XContentTypeOptions = "nosniff";
            // The report runs nothing and loads nothing (the page carries the same policy in a meta element).
            httpContext.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";
            return Results.Text(html, HtmlContentType).ExecuteAsync(httpContext);
        }
    }

    /// <summary>
    /// The history with a validator: reports are immutable once evaluated and the history only changes when a window
    /// closes, so its count and newest report's time identify it. A poller (the dashboard, every few seconds) that sends
    /// the ETag back gets 304 and no body until the next window closes, instead of every report with its distributions.
    /// </summary>
    private static IResult History(HttpContext http, IReadOnlyList<MLOps.Monitoring.Drift.DriftReport> reports)
    {
        var etag = new EntityTagHeaderValue(
            string.Create(CultureInfo.InvariantCulture, $"\"{reports.Count}-{(reports.Count == 0 ? 0 : reports[^1].CreatedAt.UtcTicks)}\""),
            isWeak: true);
        http.Response.Headers.ETag = etag.ToString();
        http.Response.Headers.CacheControl = "private, no-cache";
        // If-None-Match uses the weak comparison (RFC 9110, 13.1.2); "*" matches any current representation.
        IList<EntityTagHeaderValue> sent = http.Request.GetTypedHeaders().IfNoneMatch;
        return sent.Any(e => e.Equals(EntityTagHeaderValue.Any) || e.Compare(etag, useStrongComparison: false))
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : Results.Text(HistoryJson(reports), "application/json");
    }

    /// <summary>A JSON array of reports, each written as <see cref="MLOps.Monitoring.Drift.DriftReport.ToJson"/> writes it (the shape of <c>GET drift</c>).</summary>
    private static string HistoryJson(IReadOnlyList<MLOps.Monitoring.Drift.DriftReport> reports) =>
        string.Concat("[", string.Join(",", reports.Select(r => r.ToJson())), "]");

    public static void MapAlerts(RouteGroupBuilder group, MLOps.Monitoring.Alerting.IAlertManager alerts)
    {
        group.MapGet("/alerts", () => Results.Json(new AlertsInfo(alerts.LastEvaluatedAt, alerts.Rules, alerts.GetAlerts()), ModelEndpoint.OutputJson))
            .WithName("MLOps.Alerts")
            .WithSummary("The alert rules, when they were last evaluated, and the pending and firing alerts (most severe first).")
            .Produces<AlertsInfo>();
    }
}

/// <summary>The body of <c>GET /alerts</c>.</summary>
internal sealed record AlertsInfo(
    DateTimeOffset? LastEvaluatedAt,
    IReadOnlyList<MLOps.Monitoring.Alerting.AlertRule> Rules,
    IReadOnlyList<MLOps.Monitoring.Alerting.Alert> Alerts);
