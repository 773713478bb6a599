using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MLOps;
using MLOps.AspNetCore;
using MLOps.AspNetCore.Internal;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the MLOps HTTP endpoints.</summary>
public static class MLOpsEndpointRouteBuilderExtensions
{
    /// <summary>The default route prefix: <c>/mlops</c>.</summary>
    public const string DefaultPrefix = "/mlops";

    /// <summary>
    /// Maps the MLOps endpoints under <paramref name="prefix"/>: <c>POST models/{name}/predict</c>,
    /// <c>POST models/{name}/predict/batch</c>, <c>GET models</c> and <c>GET models/{name}</c>. Client mistakes get
    /// RFC 7807 ProblemDetails (400 naming each bad field, 404, 413, 415), never a 500. When the services exist, also
    /// <c>POST predictions/{id}/feedback</c>, <c>GET models/{name}/quality</c>, <c>GET models/{name}/drift</c>,
    /// <c>GET alerts</c>, <c>GET fleet</c> (replicas sharing a PostgreSQL registry), the registry reads and (behind the <c>MLOps.Admin</c> policy) the management endpoints.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder (the <c>WebApplication</c>).</param>
    /// <param name="prefix">The route prefix.</param>
    /// <param name="configure">Configures limits and behaviour.</param>
    /// <returns>The route group, so conventions chain: <c>.RequireAuthorization()</c>, <c>.RequireRateLimiting(…)</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> or <paramref name="prefix"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>services.AddMLOps()</c> was not called.</exception>
    public static RouteGroupBuilder MapMLOps(this IEndpointRouteBuilder endpoints, string prefix = DefaultPrefix, Action<MLOpsEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        var options = new MLOpsEndpointOptions();
        configure?.Invoke(options);
        options.Validate();
        IModelCatalog catalog = endpoints.ServiceProvider.GetService<IModelCatalog>()
            ?? throw new InvalidOperationException("MapMLOps needs the MLOps services: call builder.Services.AddMLOps() first.");
        var models = new ModelEndpoints(endpoints.ServiceProvider, catalog);

        RouteGroupBuilder group = endpoints.MapGroup(prefix).WithTags("MLOps");

        // A request Kestrel finds malformed is the client's mistake on every endpoint: 4xx with ProblemDetails, never a 500.
        group.AddEndpointFilter(MalformedRequestFilter.Instance);

        RouteHandlerBuilder predict = group.MapPost("/models/{name}/predict", (string name, HttpContext http) =>
                models.Find(name) is { } model ? model.PredictAsync(http, options) : Task.FromResult(Problems.UnknownModel(name)))
            .WithName("MLOps.Predict")
            .WithSummary("Predict with a served model.")
            .WithDescription("Send one input as a JSON object with the model's input fields; the response carries the prediction id (send it back with the ground truth) and the model version, also in the X-Prediction-Id and X-Model-Version headers.")
            .WithPredictResponses();

        RouteHandlerBuilder batch = group.MapPost("/models/{name}/predict/batch", (string name, HttpContext http) =>
                models.Find(name) is { } model ? model.PredictBatchAsync(http, options) : Task.FromResult(Problems.UnknownModel(name)))
            .WithName("MLOps.PredictBatch")
            .WithSummary("Predict a batch with a served model.")
            .WithDescription("Send a JSON array of inputs (at most MaxBatchSize); all are predicted by the same model version.")
            .WithPredictResponses();

        if (options.PredictRateLimitPolicy is { } policy)
        {
            predict.RequireRateLimiting(policy);
            batch.RequireRateLimiting(policy);
        }

        group.MapGet("/models", () => Results.Json(catalog.GetModels().Select(m => Describe(m, models)).ToArray(), ModelEndpoint.OutputJson))
            .WithName("MLOps.ListModels")
            .WithSummary("List the served models.")
            .Produces<ModelInfo[]>();

        group.MapGet("/models/{name}", (string name) =>
                ModelName.TryParse(name, out ModelName modelName) && catalog.Find(modelName) is { } m ? Results.Json(Describe(m, models), ModelEndpoint.OutputJson) : Problems.UnknownModel(name))
            .WithName("MLOps.GetModel")
            .WithSummary("Describe a served model: version per variant, load state and input signature.")
            .Produces<ModelInfo>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        // The endpoints backed by a store (everything below): an unreachable store is a 503 with Retry-After, never a 500.
        RouteGroupBuilder stored = group.MapGroup("");
        stored.AddEndpointFilter(StoreUnavailableFilter.Instance);

        if (endpoints.ServiceProvider.GetService<MLOps.Monitoring.Quality.Feedback.IFeedbackSink>() is { } feedback)
        {
            MonitoringEndpoints.MapFeedback(stored, feedback, options);
        }

        if (endpoints.ServiceProvider.GetService<MLOps.Monitoring.Quality.IModelQualityMonitor>() is { } quality)
        {
            MonitoringEndpoints.MapQuality(stored, quality, endpoints.ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System);
        }

        if (endpoints.ServiceProvider.GetService<MLOps.Monitoring.Drift.IDriftMonitor>() is { } drift)
        {
            MonitoringEndpoints.MapDrift(stored, drift);
        }

        if (endpoints.ServiceProvider.GetService<MLOps.Monitoring.Alerting.IAlertManager>() is { } alerts)
        {
            MonitoringEndpoints.MapAlerts(stored, alerts);
        }

        if (endpoints.ServiceProvider.GetService<IFleetView>() is { } fleet)
        {
            FleetEndpoints.Map(stored, fleet);
        }

        IModelRegistry? registry = endpoints.ServiceProvider.GetService<IModelRegistry>();
        var retrain = endpoints.ServiceProvider.GetService<MLOps.Monitoring.Retraining.IRetrainCoordinator>();
        if (registry is not null)
        {
            RegistryEndpoints.MapRead(stored, registry);
            VersionEndpoints.Map(stored, registry);
        }

        if ((registry is not null || retrain is not null) && ManagementAccess(endpoints.ServiceProvider, options) is { } secure)
        {
            RouteGroupBuilder management = stored.MapGroup("").WithTags("MLOps management");
            if (secure)
            {
                management.RequireAuthorization(options.ManagementPolicy);
            }

            if (registry is not null)
            {
                RegistryEndpoints.MapManagement(management, registry, options);
            }

            if (retrain is not null)
            {
                MonitoringEndpoints.MapRetrain(management, retrain, options);
            }
        }

        return group;
    }

    /// <summary>
    /// <see langword="true"/>: map the management endpoints behind the policy (authentication is configured);
    /// <see langword="false"/>: map them open (no authentication, and the host opted in); <see langword="null"/>: do not map them.
    /// </summary>
    /// <summary>The responses a predict endpoint documents: 200, 400 (validation), 404, 413, 415, 422 (no valid prediction for the input) and 503.</summary>
    private static RouteHandlerBuilder WithPredictResponses(this RouteHandlerBuilder builder) => builder
        .Produces(StatusCodes.Status200OK)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static bool? ManagementAccess(IServiceProvider services, MLOpsEndpointOptions options)
    {
        // The configured schemes, read without blocking: the default IAuthenticationSchemeProvider is built from these
        // options (AddAuthentication().AddJwtBearer(…), AddCookie(…), … each add one).
        bool authenticated = services.GetService<IOptions<AuthenticationOptions>>()?.Value.Schemes.Any() == true;
        var logger = services.GetService<Microsoft.Extensions.Logging.ILoggerFactory>()?.CreateLogger("MLOps.AspNetCore");
        if (authenticated)
        {
            return true;
        }

        if (options.AllowUnauthenticatedManagement)
        {
            if (logger is not null)
            {
                Log.ManagementUnauthenticated(logger);
            }

            return false;
        }

        if (logger is not null)
        {
            Log.ManagementNotMapped(logger);
        }

        return null;
    }

    private static ModelInfo Describe(ServedModel model, ModelEndpoints endpoints)
    {
        InputSchema schema = endpoints.Find(model.Name.Value)?.Schema ?? InputSchema.For(model.InputType);
        return new ModelInfo(
            model.Name.Value,
            model.Variant,
            model.Version?.Number,
            model.LoadedAt,
            model.Source,
            model.Fingerprint,
            model.LoadFailures,
            model.LastLoadError?.Message,
            schema.Fields.Select(f => new InputFieldInfo(f.JsonName, f.Type.Name, f.Required)).ToArray(),
            model.OutputType.Name,
            model.Format,
            model.Signature);
    }
}
