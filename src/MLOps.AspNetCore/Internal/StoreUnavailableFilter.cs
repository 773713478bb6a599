using System.Data.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MLOps.Monitoring.Quality.Feedback;

namespace MLOps.AspNetCore.Internal;

/// <summary>
/// The outage net of the endpoints backed by a store (registry, fleet view, feedback, drift and quality reads): a store
/// that cannot be reached (<see cref="RegistryErrorCode.Storage"/>, a lock timeout, a database outage error or a timeout that
/// escaped a store, <see cref="FeedbackStoreUnavailableException"/>) is not the client's mistake and not a bug, so the
/// answer is 503 with <c>Retry-After</c> and RFC 7807 ProblemDetails instead of a 500. Logged as a warning (event 104).
/// The predict endpoints do not pass through it: predictions never touch a store on the request path.
/// </summary>
internal sealed class StoreUnavailableFilter : IEndpointFilter
{
    /// <summary>The <c>Retry-After</c> of the answer, in seconds: the order of the stores' reconnect back-off.</summary>
    public const string RetryAfterSeconds = "5";

    public static readonly StoreUnavailableFilter Instance = new();

    private const string LoggerCategory = "MLOps.AspNetCore.Endpoints";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex) && !context.HttpContext.Response.HasStarted)
        {
            HttpContext http = context.HttpContext;
            if (http.RequestServices.GetService<ILoggerFactory>() is { } loggers)
            {
                Log.StoreUnavailable(loggers.CreateLogger(LoggerCategory), ex, http.Request.Method, http.Request.Path.Value ?? string.Empty);
            }

            http.Response.Headers.RetryAfter = RetryAfterSeconds;
            return Results.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Store unavailable",
                detail: $"The store behind this endpoint cannot be reached; the request did not complete. Send it again after the time in the Retry-After header. ({ex.Message})",
                extensions: new Dictionary<string, object?> { ["traceId"] = http.TraceIdentifier });
        }
    }

    /// <summary>Whether <paramref name="ex"/> says the store is down (and a retry later may succeed), not that the request is wrong.</summary>
    internal static bool IsUnavailable(Exception ex) => ex switch
    {
        ModelRegistryException { ErrorCode: RegistryErrorCode.Storage or RegistryErrorCode.LockTimeout } => true,
        FeedbackStoreUnavailableException => true,
        DbException db => IsOutage(db),
        TimeoutException => true,
        _ => false,
    };

    /// <summary>
    /// A database error that says the database cannot serve now: no SQLSTATE (the connection or socket failed before a
    /// server answered), a transient error, or the classes of an unreachable or stopping server (08 connection
    /// exception, 53 insufficient resources, 57 operator intervention such as a shutdown or a statement timeout, 58
    /// system error). Any other SQLSTATE (a constraint, a syntax error) is a bug, and stays a 500 that someone sees.
    /// </summary>
    private static bool IsOutage(DbException db) =>
        db.SqlState is not { Length: 5 } state
        || db.IsTransient
        || state.StartsWith("08", StringComparison.Ordinal)
        || state.StartsWith("53", StringComparison.Ordinal)
        || state.StartsWith("57", StringComparison.Ordinal)
        || state.StartsWith("58", StringComparison.Ordinal);
}
