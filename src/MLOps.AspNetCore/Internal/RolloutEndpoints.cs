using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MLOps.Monitoring.Rollouts;

namespace MLOps.AspNetCore.Internal;

/// <summary>
/// The rollout endpoints: the active rollout and the list for everyone who may read the registry, and starting a rollout
/// and the operator's decisions (pause, resume, promote, abort, approve) behind the management authorization policy.
/// </summary>
internal static class RolloutEndpoints
{
    /// <summary>The longest rollout id accepted from a route (the registries make 32 hexadecimal digits).</summary>
    private const int MaxRolloutIdLength = 128;

    /// <summary>The operator's decisions, by the last segment of their route.</summary>
    private static readonly Dictionary<string, RolloutAction> Actions = new(StringComparer.Ordinal)
    {
        ["pause"] = RolloutAction.Paused,
        ["resume"] = RolloutAction.Resumed,
        ["promote"] = RolloutAction.Promoted,
        ["abort"] = RolloutAction.Aborted,
        ["approve"] = RolloutAction.Approved,
    };

    public static void MapRead(RouteGroupBuilder group, IModelRegistry registry)
    {
        group.MapGet("/models/{name}/rollout", async (string name, HttpContext http, CancellationToken ct) =>
            {
                if (!ModelName.TryParse(name, out var model))
                {
                    return RegistryEndpoints.InvalidName(name);
                }

                if (await registry.GetActiveRolloutAsync(model, ct).ConfigureAwait(false) is { } active)
                {
                    RolloutInfo info = RolloutInfo.From(active);
                    if (http.RequestServices.GetService<IRolloutMonitor>()?.GetStatus(model) is { } status
                        && status.RolloutId == active.Id)
                    {
                        info = info with { Status = RolloutAnalysisInfo.From(status) };
                    }

                    return Results.Json(info, ModelEndpoint.OutputJson);
                }

                return await registry.GetModelAsync(model, ct).ConfigureAwait(false) is null
                    ? RegistryEndpoints.UnknownRegisteredModel(name)
                    : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No active rollout", detail: $"Model '{model}' has no active rollout.");
            })
            .WithName("MLOps.ActiveRollout")
            .WithSummary("The model's active rollout: its arms, weights, state, analysis settings and decisions, with this replica's latest analysis (per-arm figures) when the app runs the rollout analysis.")
            .Produces<RolloutInfo>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/models/{name}/rollouts", async (string name, CancellationToken ct) =>
            {
                if (!ModelName.TryParse(name, out var model))
                {
                    return RegistryEndpoints.InvalidName(name);
                }

                if (await registry.GetModelAsync(model, ct).ConfigureAwait(false) is null)
                {
                    return RegistryEndpoints.UnknownRegisteredModel(name);
                }

                var rollouts = await registry.ListRolloutsAsync(model, ct).ConfigureAwait(false);
                return Results.Json(rollouts.Select(RolloutInfo.From).ToArray(), ModelEndpoint.OutputJson);
            })
            .WithName("MLOps.ListRollouts")
            .WithSummary("The model's rollouts, active and ended, newest first.")
            .Produces<RolloutInfo[]>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static void MapManagement(RouteGroupBuilder group, IModelRegistry registry, MLOpsEndpointOptions options)
    {
        group.MapPost("/models/{name}/rollouts", async (string name, HttpContext http) =>
            {
                var (document, problem) = await JsonBody.ReadAsync(http, options).ConfigureAwait(false);
                using (document)
                {
                    if (problem is not null)
                    {
                        return problem;
                    }

                    var body = new ManagementBody(document);
                    var request = StartRequest(name, body, http);
                    if (body.Errors.Count > 0)
                    {
                        return Problems.Invalid(body.Errors);
                    }

                    return await RegistryEndpoints.Run(async () => RolloutInfo.From(
                        await registry.StartRolloutAsync(request!, http.RequestAborted).ConfigureAwait(false))).ConfigureAwait(false);
                }
            })
            .WithName("MLOps.StartRollout")
            .WithSummary("Start a rollout (canary, blue_green, experiment or shadow) of a candidate version against the holder of an alias.")
            .Produces<RolloutInfo>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/models/{name}/rollouts/{id}/{action}", async (string name, string id, string action, HttpContext http) =>
            {
                if (!Actions.TryGetValue(action, out RolloutAction decision))
                {
                    return Results.Problem(
                        statusCode: StatusCodes.Status404NotFound,
                        title: "Unknown rollout action",
                        detail: $"'{Problems.Shorten(action)}' is not a rollout action; use pause, resume, promote, abort or approve.");
                }

                // The body is optional: a POST without one (no Content-Length or 0, not chunked) records the decision as is.
                var (document, problem) = http.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false }
                    ? (null, null)
                    : await JsonBody.ReadAsync(http, options).ConfigureAwait(false);
                using (document)
                {
                    if (problem is not null)
                    {
                        return problem;
                    }

                    var body = new ManagementBody(document);
                    string? reason = body.String("reason", required: false, maxLength: 10_000);
                    long? expected = body.Integer("expectedRevision", required: false, min: 1, max: long.MaxValue);
                    List<PromotionGate>? gates = GatesBody.Read(body);
                    var errors = body.Errors;
                    if (gates is not null && decision != RolloutAction.Promoted)
                    {
                        errors["gates"] = ["Gates apply to promote only."];
                    }

                    if (!ModelName.TryParse(name, out var model))
                    {
                        errors["name"] = [$"'{Problems.Shorten(name)}' is not a valid model name."];
                    }

                    if (!IsRolloutId(id))
                    {
                        errors["id"] = [$"'{Problems.Shorten(id)}' is not a rollout id: 1 to {MaxRolloutIdLength} printable characters, as GET …/rollouts lists them."];
                    }

                    if (errors.Count > 0)
                    {
                        return Problems.Invalid(errors);
                    }

                    var request = new UpdateRolloutRequest(model, id, decision)
                    {
                        Reason = reason ?? $"{action} (http)",
                        ExpectedRevision = expected,
                        Gates = gates,
                        Actor = RegistryEndpoints.Actor(http),
                    };
                    return await RegistryEndpoints.Run(async () => RolloutInfo.From(
                        await registry.UpdateRolloutAsync(request, http.RequestAborted).ConfigureAwait(false))).ConfigureAwait(false);
                }
            })
            .WithName("MLOps.DecideRollout")
            .WithSummary("Pause, resume, promote (moves the alias to the candidate, if the optional gates pass: 422 lists each failure), abort or approve the last step of a rollout.")
            .Produces<RolloutInfo>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }

    /// <summary>Reads a start request from the body; <see langword="null"/> with the errors in <paramref name="body"/> when it is not valid.</summary>
    private static StartRolloutRequest? StartRequest(string name, ManagementBody body, HttpContext http)
    {
        long? candidate = body.Integer("candidate", required: true, min: 1, max: int.MaxValue);
        RolloutStrategy? strategy = Strategy(body);
        string? alias = body.String("alias", required: false, maxLength: 256);
        int[]? steps = body.Integers("steps", maxCount: 100);
        long? warmup = body.Integer("warmupPredictions", required: false, min: 0, max: int.MaxValue);
        string? reason = body.String("reason", required: false, maxLength: 10_000);
        RolloutAnalysis? analysis = Analysis(body.Object("analysis"));
        var errors = body.Errors;
        if (!ModelName.TryParse(name, out var model))
        {
            errors["name"] = [$"'{Problems.Shorten(name)}' is not a valid model name."];
        }

        ModelAlias target = ModelAlias.Champion;
        if (alias is not null && !ModelAlias.TryParse(alias, out target))
        {
            errors["alias"] = [$"'{Problems.Shorten(alias)}' is not a valid alias."];
        }

        return errors.Count > 0
            ? null
            : new StartRolloutRequest(model, new ModelVersion((int)candidate!.Value), strategy!.Value)
            {
                Alias = target,
                Steps = steps,
                Analysis = analysis,
                WarmupPredictions = (int)(warmup ?? 0),
                Reason = reason,
                Actor = RegistryEndpoints.Actor(http),
            };
    }

    /// <summary>The strategy: its name in snake_case as the endpoints write it (<c>blue_green</c>), or in camelCase or kebab-case.</summary>
    private static RolloutStrategy? Strategy(ManagementBody body)
    {
        if (body.String("strategy", required: true, maxLength: 64) is not { } text)
        {
            return null;
        }

        string folded = text.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        foreach (RolloutStrategy strategy in Enum.GetValues<RolloutStrategy>())
        {
            if (string.Equals(folded, strategy.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                return strategy;
            }
        }

        body.Errors["strategy"] = [$"'{Problems.Shorten(text)}' is not a strategy; use canary, blue_green, experiment or shadow."];
        return null;
    }

    /// <summary>The analysis settings: the defaults, with each field the object gives.</summary>
    private static RolloutAnalysis? Analysis(ManagementBody? body)
    {
        if (body is null)
        {
            return null;
        }

        var defaults = new RolloutAnalysis();
        return new RolloutAnalysis
        {
            Interval = body.Duration("interval") ?? defaults.Interval,
            FailureThreshold = (int)(body.Integer("failureThreshold", required: false, min: int.MinValue, max: int.MaxValue) ?? defaults.FailureThreshold),
            MinSampleSize = body.Integer("minSampleSize", required: false, min: long.MinValue, max: long.MaxValue) ?? defaults.MinSampleSize,
            MaxErrorRate = Threshold(body, "maxErrorRate", defaults.MaxErrorRate),
            MaxLatencyRatio = Threshold(body, "maxLatencyRatio", defaults.MaxLatencyRatio),
            MaxLatency = body.Duration("maxLatency"),
            QualityMetric = body.String("qualityMetric", required: false, maxLength: 250),
            MaxQualityDegradation = body.Number("maxQualityDegradation") ?? defaults.MaxQualityDegradation,
            FailOnDrift = body.Bool("failOnDrift", required: false) ?? defaults.FailOnDrift,
            Alpha = body.Number("alpha") ?? defaults.Alpha,
            RequireApproval = body.Bool("requireApproval", required: false) ?? defaults.RequireApproval,
            PromoteShadowWhenBetter = body.Bool("promoteShadowWhenBetter", required: false) ?? defaults.PromoteShadowWhenBetter,
        };
    }

    /// <summary>A threshold that may be switched off: absent keeps the default, <c>null</c> turns the check off.</summary>
    private static double? Threshold(ManagementBody body, string name, double? fallback) =>
        body.IsNull(name) ? null : body.Number(name) ?? fallback;

    /// <summary>Whether a route value can be a rollout id (anything else would be echoed whole, or is an error in a query).</summary>
    private static bool IsRolloutId(string id) =>
        id.Length is > 0 and <= MaxRolloutIdLength && !string.IsNullOrWhiteSpace(id) && !id.Any(char.IsControl);
}
