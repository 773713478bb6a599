using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MLOps.AspNetCore.Internal;

/// <summary>
/// The registry endpoints: version listing and alias history for everyone who may call <c>MapMLOps</c>'s group, and the
/// management endpoints (promote, rollback, approvals, audit) behind the management authorization policy.
/// </summary>
internal static class RegistryEndpoints
{
    public static void MapRead(RouteGroupBuilder group, IModelRegistry registry)
    {
        group.MapGet("/models/{name}/versions", async (string name, CancellationToken ct) =>
            {
                if (!ModelName.TryParse(name, out var model))
                {
                    return InvalidName(name);
                }

                if (await registry.GetModelAsync(model, ct).ConfigureAwait(false) is null)
                {
                    return UnknownRegisteredModel(name);
                }

                var versions = await registry.ListVersionsAsync(model, ct).ConfigureAwait(false);
                var history = await registry.GetAliasHistoryAsync(model, cancellationToken: ct).ConfigureAwait(false);
                var aliases = CurrentAliases(history);
                return Results.Json(versions.Select(v => VersionInfo.From(v, aliases)).ToArray(), ModelEndpoint.OutputJson);
            })
            .WithName("MLOps.ListVersions")
            .WithSummary("List a registered model's versions with status, metrics, lineage and the aliases each holds.")
            .Produces<VersionInfo[]>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/models/{name}/aliases", async (string name, CancellationToken ct) =>
            {
                if (!ModelName.TryParse(name, out var model))
                {
                    return InvalidName(name);
                }

                if (await registry.GetModelAsync(model, ct).ConfigureAwait(false) is null)
                {
                    return UnknownRegisteredModel(name);
                }

                var history = await registry.GetAliasHistoryAsync(model, cancellationToken: ct).ConfigureAwait(false);
                return Results.Json(history.Select(AliasChangeInfo.From).ToArray(), ModelEndpoint.OutputJson);
            })
            .WithName("MLOps.AliasHistory")
            .WithSummary("The full alias history of a registered model: every promotion, rollback and removal, oldest first.")
            .Produces<AliasChangeInfo[]>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        RolloutEndpoints.MapRead(group, registry);
    }

    public static void MapManagement(RouteGroupBuilder group, IModelRegistry registry, MLOpsEndpointOptions options)
    {
        group.MapPost("/models/{name}/aliases/{alias}", async (string name, string alias, HttpContext http) =>
            {
                var (document, problem) = await JsonBody.ReadAsync(http, options).ConfigureAwait(false);
                using (document)
                {
                    if (problem is not null)
                    {
                        return problem;
                    }

                    var body = new ManagementBody(document);
                    int? version = body.PositiveInt("version", required: true);
                    string? reason = body.String("reason", required: true);
                    List<PromotionGate>? gates = GatesBody.Read(body);
                    var errors = body.Errors;
                    if (!ModelName.TryParse(name, out var model))
                    {
                        errors["name"] = [$"'{Problems.Shorten(name)}' is not a valid model name."];
                    }

                    if (!ModelAlias.TryParse(alias, out var target))
                    {
                        errors["alias"] = [$"'{Problems.Shorten(alias)}' is not a valid alias (letters, digits, '_' and '-'; 'latest' and 'v<number>' are reserved)."];
                    }

                    if (errors.Count > 0)
                    {
                        return Problems.Invalid(errors);
                    }

                    return await Run(async () => AliasChangeInfo.From(await registry.PromoteAsync(
                        new PromoteRequest(model!, new ModelVersion(version!.Value), target) { Reason = reason, Gates = gates, Actor = Actor(http) }, http.RequestAborted)
                        .ConfigureAwait(false))).ConfigureAwait(false);
                }
            })
            .WithName("MLOps.Promote")
            .WithSummary("Point an alias (such as champion) at a version, if the optional gates pass (422 lists each failure); serving replicas that follow the alias hot-swap to it.")
            .Produces<AliasChangeInfo>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapPost("/models/{name}/rollback", async (string name, HttpContext http) =>
            {
                var (document, problem) = await JsonBody.ReadAsync(http, options).ConfigureAwait(false);
                using (document)
                {
                    if (problem is not null)
                    {
                        return problem;
                    }

                    var body = new ManagementBody(document);
                    string alias = body.String("alias", required: false) ?? ModelAlias.Champion.Value;
                    string? reason = body.String("reason", required: true);
                    var errors = body.Errors;
                    if (!ModelName.TryParse(name, out var model))
                    {
                        errors["name"] = [$"'{Problems.Shorten(name)}' is not a valid model name."];
                    }

                    if (!ModelAlias.TryParse(alias, out var target))
                    {
                        errors["alias"] = [$"'{Problems.Shorten(alias)}' is not a valid alias."];
                    }

                    if (errors.Count > 0)
                    {
                        return Problems.Invalid(errors);
                    }

                    return await Run(async () => AliasChangeInfo.From(await registry.RollbackAsync(
                        new RollbackRequest(model!, target) { Reason = reason, Actor = Actor(http) }, http.RequestAborted).ConfigureAwait(false)))
                        .ConfigureAwait(false);
                }
            })
            .WithName("MLOps.Rollback")
            .WithSummary("Move an alias (default champion) back to the version that held it before.")
            .Produces<AliasChangeInfo>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/models/{name}/approvals", async (string name, CancellationToken ct) =>
            {
                if (!ModelName.TryParse(name, out var model))
                {
                    return InvalidName(name);
                }

                return await Run(async () => (await registry.ListApprovalsAsync(model, ct).ConfigureAwait(false)).Select(ApprovalInfo.From).ToArray())
                    .ConfigureAwait(false);
            })
            .WithName("MLOps.ListApprovals")
            .WithSummary("List promotion approvals (pending, approved, rejected) of a model.")
            .Produces<ApprovalInfo[]>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/models/{name}/approvals/{id}", async (string name, string id, HttpContext http) =>
            {
                var (document, problem) = await JsonBody.ReadAsync(http, options).ConfigureAwait(false);
                using (document)
                {
                    if (problem is not null)
                    {
                        return problem;
                    }

                    var body = new ManagementBody(document);
                    bool? approve = body.Bool("approve", required: true);
                    string? reason = body.String("reason", required: true);
                    var errors = body.Errors;
                    if (!ModelName.TryParse(name, out var model))
                    {
                        errors["name"] = [$"'{Problems.Shorten(name)}' is not a valid model name."];
                    }

                    if (!IsApprovalId(id))
                    {
                        errors["id"] = [$"'{Problems.Shorten(id)}' is not an approval id: 1 to {MaxApprovalIdLength} printable characters, as GET …/approvals lists them."];
                    }

                    if (errors.Count > 0)
                    {
                        return Problems.Invalid(errors);
                    }

                    return await Run(async () => ApprovalInfo.From(await registry.DecideApprovalAsync(
                        new ApprovalDecision(model!, id, approve!.Value) { Reason = reason, Actor = Actor(http) }, http.RequestAborted).ConfigureAwait(false)))
                        .ConfigureAwait(false);
                }
            })
            .WithName("MLOps.DecideApproval")
            .WithSummary("Approve (promotes the version) or reject a pending promotion approval.")
            .Produces<ApprovalInfo>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapGet("/models/{name}/audit", async (string name, CancellationToken ct) =>
            {
                if (!ModelName.TryParse(name, out var model))
                {
                    return InvalidName(name);
                }

                return await Run(async () => (await registry.QueryAuditAsync(new AuditQuery { Model = model }, ct).ConfigureAwait(false)).Select(AuditEventInfo.From).ToArray())
                    .ConfigureAwait(false);
            })
            .WithName("MLOps.Audit")
            .WithSummary("The audit trail of a model: every registry mutation with actor, action, before/after and reason.")
            .Produces<AuditEventInfo[]>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        RolloutEndpoints.MapManagement(group, registry, options);
    }

    /// <summary>Runs a registry call and maps its documented failures to ProblemDetails (never a 500 for a client's mistake).</summary>
    internal static async Task<IResult> Run<T>(Func<Task<T>> call)
    {
        try
        {
            T result = await call().ConfigureAwait(false);
            return Results.Json(result, ModelEndpoint.OutputJson);
        }
        catch (PromotionRejectedException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Promotion rejected", detail: e.Message,
                extensions: new Dictionary<string, object?> { ["failures"] = e.Failures });
        }
        catch (RegistryConflictException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: e.Message);
        }
        catch (ModelRegistryException e) when (e.ErrorCode == RegistryErrorCode.NotFound)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: e.Message);
        }
        catch (ModelRegistryException e) when (e.ErrorCode is RegistryErrorCode.InvalidState or RegistryErrorCode.AlreadyExists or RegistryErrorCode.Conflict)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: e.Message);
        }
        catch (ArgumentException e)
        {
            return Problems.Invalid(new Dictionary<string, string[]> { [e.ParamName ?? ""] = [e.Message] });
        }
    }

    internal static Dictionary<int, List<string>> CurrentAliases(IReadOnlyList<AliasHistoryEntry> history)
    {
        var current = new Dictionary<string, ModelVersion?>(StringComparer.Ordinal);
        foreach (var entry in history.OrderBy(h => h.Revision))
        {
            current[entry.Alias.Value] = entry.Version;
        }

        var byVersion = new Dictionary<int, List<string>>();
        foreach (var (alias, version) in current)
        {
            if (version is { } v)
            {
                (byVersion.TryGetValue(v.Number, out var list) ? list : byVersion[v.Number] = []).Add(alias);
            }
        }

        return byVersion;
    }

    internal static string Actor(HttpContext http) => http.User.Identity?.IsAuthenticated == true && http.User.Identity.Name is { Length: > 0 } user
        ? user
        : "anonymous (http)";

    internal static IResult InvalidName(string name) =>
        Problems.Invalid(new Dictionary<string, string[]> { ["name"] = [$"'{Problems.Shorten(name)}' is not a valid model name."] });

    internal static IResult UnknownRegisteredModel(string name) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown model", detail: $"No model named '{Problems.Shorten(name)}' is registered.");

    /// <summary>The longest approval id accepted from a route (the registries make 16 or 32 hexadecimal digits).</summary>
    private const int MaxApprovalIdLength = 128;

    /// <summary>
    /// Whether a route value can be an approval id. Anything else is refused before it reaches the registry: it would
    /// be echoed whole in the not-found message, and a NUL is an error (not a miss) in a PostgreSQL query.
    /// </summary>
    private static bool IsApprovalId(string id) =>
        id.Length is > 0 and <= MaxApprovalIdLength && !string.IsNullOrWhiteSpace(id) && !id.Any(char.IsControl);
}
