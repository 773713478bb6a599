using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MLOps.AspNetCore;
using MLOps.AspNetCore.Internal;

namespace MLOps.Benchmarks.Serving;

/// <summary>
/// What explanations cost, and that the default path pays nothing for them: <see cref="IModelClient{TIn, TOut}.Predict"/>
/// (the baseline) against <c>PredictWithExplanation</c>, and the predict endpoint's handler with no query string,
/// <c>?explain=false</c> and <c>?explain=true</c> (over a <see cref="DefaultHttpContext"/>: body reading, validation,
/// prediction and the result object, not the response serialization).
/// </summary>
[MemoryDiagnoser]
public class ExplainBenchmark
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"vendor":"VTS","payment":"cash","distance":3.2,"passengers":2,"hour":17,"duration":0}""");

    private readonly MLOpsEndpointOptions _options = new();
    private ServiceProvider _services = null!;
    private IModelClient<TripInput, TripPrediction> _client = null!;
    private ModelEndpoint<TripInput, TripPrediction> _endpoint = null!;

    [Params(ModelSize.Tiny, ModelSize.Taxi)]
    public ModelSize Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMLOps().AddModel<TripInput, TripPrediction>("trip", m => m.FromTransformer(BenchModel.Train(Size)));
        _services = services.BuildServiceProvider();
        _client = _services.GetRequiredService<IModelClient<TripInput, TripPrediction>>();
        _endpoint = new ModelEndpoint<TripInput, TripPrediction>(_client, NullLogger.Instance);
        _client.PredictWithExplanation(BenchModel.Input);   // the explainer is built once per version, on the first request
        foreach (string query in new[] { "", "?explain=false", "?explain=true" })
        {
            // The endpoint rows measure a prediction, not an error path: refuse to run if the request does not predict.
            IResult result = _endpoint.PredictAsync(Request(new QueryString(query)), _options).GetAwaiter().GetResult();
            if (result is not IStatusCodeHttpResult { StatusCode: null or 200 })
            {
                string detail = result switch
                {
                    ProblemHttpResult { ProblemDetails: Microsoft.AspNetCore.Http.HttpValidationProblemDetails invalid } =>
                        string.Join("; ", invalid.Errors.Select(e => e.Key + ": " + string.Join(", ", e.Value))),
                    ProblemHttpResult problem => $"{problem.StatusCode} {problem.ProblemDetails.Title}: {problem.ProblemDetails.Detail}",
                    _ => result.GetType().Name,
                };
                throw new InvalidOperationException($"The endpoint with '{query}' did not predict: {detail}");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true, Description = "IModelClient.Predict")]
    public TripPrediction Predict() => _client.Predict(BenchModel.Input).Value;

    [Benchmark(Description = "PredictWithExplanation")]
    public int PredictWithExplanation() => _client.PredictWithExplanation(BenchModel.Input).Contributions.Count;

    [Benchmark(Description = "endpoint, no query string")]
    public Task<IResult> EndpointDefault() => _endpoint.PredictAsync(Request(QueryString.Empty), _options);

    [Benchmark(Description = "endpoint, ?explain=false")]
    public Task<IResult> EndpointExplainFalse() => _endpoint.PredictAsync(Request(new QueryString("?explain=false")), _options);

    [Benchmark(Description = "endpoint, ?explain=true")]
    public Task<IResult> EndpointExplainTrue() => _endpoint.PredictAsync(Request(new QueryString("?explain=true")), _options);

    private static DefaultHttpContext Request(QueryString query)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "POST";
        http.Request.ContentType = "application/json";
        http.Request.ContentLength = Body.Length;
        http.Request.Body = new MemoryStream(Body, writable: false);
        http.Request.QueryString = query;
        return http;
    }
}
