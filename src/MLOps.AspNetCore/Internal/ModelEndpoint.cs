using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace MLOps.AspNetCore.Internal;

/// <summary>The HTTP face of one served model; typed by <see cref="ModelEndpoint{TIn, TOut}"/>.</summary>
internal abstract class ModelEndpoint
{
    internal static readonly JsonSerializerOptions InputJson = new(JsonSerializerDefaults.Web);

    internal static readonly JsonSerializerOptions OutputJson = new(JsonSerializerDefaults.Web)
    {
        // A model may output NaN (e.g. an undefined score); write it rather than fail the response.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public abstract InputSchema Schema { get; }

    public abstract Task<IResult> PredictAsync(HttpContext http, MLOpsEndpointOptions options);

    public abstract Task<IResult> PredictBatchAsync(HttpContext http, MLOpsEndpointOptions options);
}

internal sealed class ModelEndpoint<TIn, TOut>(IModelClient<TIn, TOut> client, ILogger logger) : ModelEndpoint
    where TIn : class
    where TOut : class, new()
{
    private static readonly InputSchema InputSchema = InputSchema.For(typeof(TIn));

    public override InputSchema Schema => InputSchema;

    public override async Task<IResult> PredictAsync(HttpContext http, MLOpsEndpointOptions options)
    {
        // The default path (no query string) reads nothing more: ?explain is only parsed when a query string is present.
        bool explain = false;
        if (http.Request.QueryString.HasValue && !TryReadExplain(http, out explain, out IResult? badQuery))
        {
            return badQuery;
        }

        if (!TryReadAssignmentKey(http, options, out string? assignmentKey, out IResult? badKey))
        {
            return badKey;
        }

        (PooledJsonDocument? document, IResult? problem) = await JsonBody.ReadAsync(http, options).ConfigureAwait(false);
        if (document is null)
        {
            return problem!;
        }

        using (document)
        {
            Dictionary<string, string[]>? errors = null;
            TIn? input = null;
            if (!TryRead(document.RootElement, string.Empty, options, ref errors, ref input, out IResult? unreadable))
            {
                return unreadable;
            }

            if (errors is not null)
            {
                return Problems.Invalid(errors);
            }

            if (explain)
            {
                return PredictWithExplanation(http, input!);
            }

            Prediction<TOut> prediction;
            try
            {
                prediction = client.Predict(input!, assignmentKey);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return PredictionProblem(http, ex);
            }

            string id = prediction.PredictionId.ToString();
            http.Response.Headers["X-Prediction-Id"] = id;
            http.Response.Headers["X-Model-Version"] = prediction.ModelVersion.ToString();
            return Results.Json(new PredictionResponse<TOut>(id, prediction.ModelVersion.Number, prediction.Variant, prediction.Value), OutputJson);
        }
    }

    public override async Task<IResult> PredictBatchAsync(HttpContext http, MLOpsEndpointOptions options)
    {
        if (!TryReadAssignmentKey(http, options, out string? assignmentKey, out IResult? badKey))
        {
            return badKey;
        }

        (PooledJsonDocument? document, IResult? problem) = await JsonBody.ReadAsync(http, options).ConfigureAwait(false);
        if (document is null)
        {
            return problem!;
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                return Problems.BadRequest("A batch is a JSON array of inputs.");
            }

            int count = root.GetArrayLength();
            if (count == 0)
            {
                return Problems.BadRequest("The batch is empty.");
            }

            if (count > options.MaxBatchSize)
            {
                return Problems.TooLarge($"The batch has {count} inputs; the limit is {options.MaxBatchSize}.");
            }

            Dictionary<string, string[]>? errors = null;
            var inputs = new TIn[count];
            int index = 0;
            foreach (JsonElement item in root.EnumerateArray())
            {
                TIn? input = null;
                if (!TryRead(item, $"[{index}]", options, ref errors, ref input, out IResult? unreadable))
                {
                    return unreadable;
                }

                inputs[index++] = input!;
            }

            if (errors is not null)
            {
                return Problems.Invalid(errors);
            }

            Prediction<TOut>[] predictions;
            try
            {
                predictions = client.PredictBatch(inputs, assignmentKey);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return PredictionProblem(http, ex);
            }

            http.Response.Headers["X-Model-Version"] = predictions[0].ModelVersion.ToString();
            return Results.Json(Array.ConvertAll(predictions, PredictionResponse<TOut>.From), OutputJson);
        }
    }
    /// <summary>
    /// Validates one input against the signature and, when valid, deserializes it. Text that parsed as JSON but cannot
    /// be decoded (invalid UTF-8 in a name, a lone surrogate) is a client mistake too: 400, not 500.
    /// </summary>
    private static bool TryRead(JsonElement element, string path, MLOpsEndpointOptions options, ref Dictionary<string, string[]>? errors, ref TIn? input, [NotNullWhen(false)] out IResult? problem)
    {
        problem = null;
        try
        {
            int before = errors?.Count ?? 0;
            InputSchema.Validate(element, path, options.RejectUnknownFields, ref errors);
            if ((errors?.Count ?? 0) == before)
            {
                input = element.Deserialize<TIn>(InputJson)!;
            }

            return true;
        }
        catch (Exception ex) when (ex is InvalidOperationException or JsonException or ArgumentException or FormatException)
        {
            problem = Problems.BadRequest($"The input{(path.Length == 0 ? string.Empty : " at " + path)} cannot be read: {ex.Message}");
            return false;
        }
    }

    private IResult PredictWithExplanation(HttpContext http, TIn input)
    {
        ExplainedPrediction<TOut> explained;
        try
        {
            explained = client.PredictWithExplanation(input);
        }
        catch (NotSupportedException ex)
        {
            return Problems.CannotExplain(http, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return PredictionProblem(http, ex);
        }

        Prediction<TOut> prediction = explained.Prediction;
        string id = prediction.PredictionId.ToString();
        http.Response.Headers["X-Prediction-Id"] = id;
        http.Response.Headers["X-Model-Version"] = prediction.ModelVersion.ToString();
        return Results.Json(
            new ExplainedPredictionResponse<TOut>(id, prediction.ModelVersion.Number, prediction.Variant, prediction.Value, explained.Contributions), OutputJson);
    }

    /// <summary>Reads <c>?explain=</c>: absent, <c>true</c> or <c>false</c> (any case), given at most once; anything else is a 400.</summary>
    private static bool TryReadExplain(HttpContext http, out bool explain, [NotNullWhen(false)] out IResult? problem)
    {
        explain = false;
        problem = null;
        Microsoft.Extensions.Primitives.StringValues values;
        try
        {
            values = http.Request.Query["explain"];
        }
        catch (InvalidOperationException)
        {
            problem = Problems.BadRequest("The query string cannot be read.");
            return false;
        }

        if (values.Count == 0)
        {
            return true;
        }

        if (values.Count > 1 || !bool.TryParse(values[0], out explain))
        {
            problem = Problems.Invalid(new Dictionary<string, string[]> { ["explain"] = ["explain must be given once, as true or false."] });
            return false;
        }

        return true;
    }

    /// <summary>
    /// Reads the sticky assignment key from <see cref="MLOpsEndpointOptions.AssignmentKeyHeader"/>: absent is no key; one
    /// value, not blank, of at most <see cref="MLOpsEndpointOptions.MaxAssignmentKeyLength"/> characters is the key; anything else is a 400.
    /// </summary>
    private static bool TryReadAssignmentKey(
        HttpContext http, MLOpsEndpointOptions options, out string? key, [NotNullWhen(false)] out IResult? problem)
    {
        key = null;
        problem = null;
        if (options.AssignmentKeyHeader is not { } header || !http.Request.Headers.TryGetValue(header, out StringValues values))
        {
            return true;
        }

        if (values.Count != 1 || string.IsNullOrWhiteSpace(values[0]) || values[0]!.Length > MLOpsEndpointOptions.MaxAssignmentKeyLength)
        {
            problem = Problems.BadRequest(
                $"The {header} header must appear once, not blank, with at most {MLOpsEndpointOptions.MaxAssignmentKeyLength} characters.");
            return false;
        }

        key = values[0];
        return true;
    }

    /// <summary>
    /// The answer to a prediction that threw: 503 when no version is loaded yet, 422 when the model refused this input or
    /// produced an invalid output (<see cref="InvalidPredictionException"/>), otherwise a logged 500 without details.
    /// </summary>
    private IResult PredictionProblem(HttpContext http, Exception exception)
    {
        switch (exception)
        {
            case ModelNotLoadedException:
                return Problems.NotLoaded(http, client.ModelName.Value);
            case InvalidPredictionException invalid:
                return Problems.InvalidPrediction(http, invalid);
            default:
                Log.PredictionFailed(logger, exception, client.ModelName.Value);
                return Problems.PredictionFailed(http);
        }
    }
}

/// <summary>The JSON body of a prediction.</summary>
internal sealed record PredictionResponse<TOut>(string PredictionId, int ModelVersion, string Variant, TOut Output)
{
    public static PredictionResponse<TOut> From(Prediction<TOut> p) => new(p.PredictionId.ToString(), p.ModelVersion.Number, p.Variant, p.Value);
}
