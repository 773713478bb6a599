using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using MLOps;
using MLOps.Monitoring.Quality.Feedback;

namespace TaxiService;

/// <summary>
/// <c>POST /trips/completed</c>: a trip finished. Reports its duration as the ground truth of the prediction made for it
/// and, when that feedback is accepted, records the trip in the warehouse the next retrain trains on.
/// </summary>
/// <remarks>
/// The warehouse is training data: whatever lands there decides the next model. So a row is kept only when it passes
/// the checks below (finite, plausible values, known categories) <b>and</b> its feedback joined a prediction this
/// service made. Otherwise anyone who can reach the endpoint could inject rows (a made-up prediction id with a duration
/// of 3.4e38 s, or the same trip a thousand times) and steer, or break, the next retrain.
/// </remarks>
internal static class CompletedTrips
{
    /// <summary>The plausible range of a taxi trip's duration: one second to one day.</summary>
    public const double MinSeconds = 1, MaxSeconds = 24 * 60 * 60;

    /// <summary>The plausible range of a trip's distance in kilometres.</summary>
    public const double MaxDistanceKm = 500;

    private const int MaxBodyBytes = 16 * 1024;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { MaxDepth = 8 };

    public static async Task<IResult> HandleAsync(HttpRequest request, IFeedbackSink feedback, Warehouse warehouse, CancellationToken ct)
    {
        if (!request.HasJsonContentType())
        {
            return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, detail: "Send the report as application/json.");
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, detail: $"A report is at most {MaxBodyBytes} bytes.");
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;   // a chunked body over the limit: Kestrel's 413
        }

        CompletedTripReport? report;
        try
        {
            report = await JsonSerializer.DeserializeAsync<CompletedTripReport>(request.Body, Json, ct);
        }
        catch (JsonException e)
        {
            // Undecodable text (invalid UTF-8, lone surrogates), numbers that do not fit, wrong types, bad nesting.
            return Invalid("body", $"Not a valid report: {e.Message}");
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel refused the body itself (bad chunk size, truncated body, Content-Length mismatch, too large).
            return Results.Problem(statusCode: e.StatusCode, detail: "The request body could not be read.");
        }
        catch (IOException) when (!ct.IsCancellationRequested)
        {
            // What Kestrel throws for some malformed bodies (a chunk size that overflows): the client's fault too.
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, detail: "The request body could not be read.");
        }

        if (Validate(report) is { } errors)
        {
            return Results.ValidationProblem(errors);
        }

        var result = await feedback.RecordAsync(PredictionId.Parse(report!.PredictionId!), report.Trip!.DurationSeconds, ct);
        switch (result.Outcome)
        {
            case FeedbackOutcome.Joined:
                await warehouse.AppendAsync(report.Trip, ct);
                return Results.Ok(new { outcome = result.Outcome.ToString(), recorded = true });
            case FeedbackOutcome.UnknownPrediction:
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: "No prediction with this id: the trip is not recorded.");
            case FeedbackOutcome.Invalid:
                return Invalid("trip.durationSeconds", result.Reason ?? "The duration was refused.");
            default:
                // Late or Duplicate: the ground truth is not counted again, and neither is the training row.
                return Results.Ok(new { outcome = result.Outcome.ToString(), recorded = false });
        }
    }

    /// <summary>Every problem with the report, by JSON field, or <see langword="null"/> when it is sound.</summary>
    public static Dictionary<string, string[]>? Validate(CompletedTripReport? report)
    {
        var errors = new Dictionary<string, string[]>();
        if (!PredictionId.TryParse(report?.PredictionId, out _))
        {
            errors["predictionId"] = ["Send the predictionId that the predict endpoint returned."];
        }

        TaxiTrip? trip = report?.Trip;
        if (trip is null)
        {
            errors["trip"] = ["Send the completed trip."];
            return errors;
        }

        AddTripErrors(errors, trip);
        return errors.Count == 0 ? null : errors;
    }

    /// <summary>Whether a trip passes the checks (the warehouse skips rows that do not, e.g. from older versions).</summary>
    public static bool IsPlausible(TaxiTrip trip)
    {
        var errors = new Dictionary<string, string[]>();
        AddTripErrors(errors, trip);
        return errors.Count == 0;
    }

    private static void AddTripErrors(Dictionary<string, string[]> errors, TaxiTrip trip)
    {
        Range(errors, "trip.durationSeconds", trip.DurationSeconds, MinSeconds, MaxSeconds);
        Range(errors, "trip.distanceKm", trip.DistanceKm, 0, MaxDistanceKm);
        Range(errors, "trip.hour", trip.Hour, 0, 23);
        Range(errors, "trip.dayOfWeek", trip.DayOfWeek, 0, 6);
        Range(errors, "trip.passengers", trip.Passengers, 1, 8);
        if (trip.Vendor is not ("CMT" or "VTS"))
        {
            errors["trip.vendor"] = ["Must be CMT or VTS."];
        }

        if (trip.Payment is not ("card" or "cash"))
        {
            errors["trip.payment"] = ["Must be card or cash."];
        }
    }

    private static void Range(Dictionary<string, string[]> errors, string field, float value, double min, double max)
    {
        // float.IsFinite first: 1e400 arrives as +Infinity and NaN fails every comparison.
        if (!float.IsFinite(value) || value < min || value > max)
        {
            errors[field] = [$"Must be a number from {min} to {max}."];
        }
    }

    private static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
