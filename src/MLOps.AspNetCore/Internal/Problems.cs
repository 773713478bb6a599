using Microsoft.AspNetCore.Http;

namespace MLOps.AspNetCore.Internal;

/// <summary>RFC 7807 ProblemDetails results for the client mistakes and service states the endpoints report.</summary>
internal static class Problems
{
    public static IResult BadRequest(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail);

    public static IResult TooLarge(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large", detail: detail);

    /// <summary>
    /// The request body could not be read: bad chunked framing, a body shorter than its Content-Length, over Kestrel's
    /// own limit, too slow. <paramref name="status"/> is Kestrel's (400, 408, 413); anything else is reported as 400.
    /// </summary>
    public static IResult MalformedBody(int status, string reason)
    {
        int code = status is >= 400 and < 500 ? status : StatusCodes.Status400BadRequest;
        string title = code switch
        {
            StatusCodes.Status408RequestTimeout => "Request timeout",
            StatusCodes.Status413PayloadTooLarge => "Payload too large",
            StatusCodes.Status499ClientClosedRequest => "Client closed request",
            _ => "Bad request",
        };
        return Results.Problem(statusCode: code, title: title, detail: $"The request body could not be read: {Truncate(reason)}");
    }

    public static IResult UnsupportedMediaType(string? contentType) =>
        Results.Problem(
            statusCode: StatusCodes.Status415UnsupportedMediaType,
            title: "Unsupported media type",
            detail: $"Send 'Content-Type: application/json'{(string.IsNullOrEmpty(contentType) ? " (no content type was sent)" : $", not '{contentType}'")}.");

    public static IResult Invalid(Dictionary<string, string[]> errors) =>
        Results.ValidationProblem(errors, title: "The input does not match the model's signature.");

    public static IResult UnknownModel(string name) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown model", detail: $"No model is served under the name '{Truncate(name)}'.");

    /// <summary>404: the model (named in the route, echoed shortened) has no <paramref name="title"/>; <paramref name="why"/> completes "Model 'x' …".</summary>
    public static IResult NotMonitored(string title, string name, string why) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: title, detail: $"Model '{Shorten(name)}' {why}");

    public static IResult NotLoaded(HttpContext http, string name)
    {
        http.Response.Headers.RetryAfter = "5";
        return Results.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Model not loaded",
            detail: $"Model '{name}' has no loaded version yet; retry later.");
    }

    public static IResult TooManyRequests() =>
        Results.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many requests",
            detail: "The predict rate limit of this client is exhausted; retry after the time in the Retry-After header.");

    /// <summary>A 422 for an input the model cannot give a valid prediction for (see <see cref="InvalidPredictionException"/>).</summary>
    public static IResult InvalidPrediction(HttpContext http, InvalidPredictionException error) =>
        Results.Problem(
            statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "No valid prediction for this input",
            detail: error.Message,
            extensions: new Dictionary<string, object?> { ["traceId"] = http.TraceIdentifier });

    public static IResult PredictionFailed(HttpContext http) =>
        Results.Problem(
            statusCode: StatusCodes.Status500InternalServerError,
            title: "Prediction failed",
            detail: "The model failed to make a prediction; the error was logged.",
            extensions: new Dictionary<string, object?> { ["traceId"] = http.TraceIdentifier });

    /// <summary>422: the served version cannot explain its predictions (<c>?explain=true</c> on a model without feature contributions).</summary>
    public static IResult CannotExplain(HttpContext http, string detail) =>
        Results.Problem(
            statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "The model cannot explain its predictions",
            detail: detail,
            extensions: new Dictionary<string, object?> { ["traceId"] = http.TraceIdentifier });

    /// <summary>A client's value echoed in a message, cut to 64 characters (with an ellipsis) so a 10 MB value is not echoed back.</summary>
    public static string Shorten(string value) => value.Length <= 64 ? value : string.Concat(value.AsSpan(0, 64), "…");

    private static string Truncate(string value) => value.Length <= 128 ? value : string.Concat(value.AsSpan(0, 128), "…");
}
