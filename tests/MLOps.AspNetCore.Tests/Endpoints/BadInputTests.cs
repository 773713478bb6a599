using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MLOps.AspNetCore.Tests.Support;

namespace MLOps.AspNetCore.Tests.Endpoints;

/// <summary>Malformed requests at every endpoint that takes a body: always a 4xx with ProblemDetails, never a 500.</summary>
public class BadInputTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string endpoint in new[]
        {
            "/mlops/models/house/predict", "/mlops/models/house/predict/batch", "/mlops/models/no-such-model/predict",
            "/mlops/predictions/0123456789abcdef0123456789abcdef/feedback", "/mlops/predictions/-1/feedback",
        })
        {
            foreach (string name in Requests.Keys)
            {
                data.Add(endpoint, name);
            }
        }

        return data;
    }

    private static readonly Dictionary<string, Func<HttpContent>> Requests = new()
    {
        ["truncated json"] = () => Json("""{"size": 1, "rooms":"""),
        ["trailing garbage"] = () => Json("""{"size": 1, "rooms": 2} xyz"""),
        ["single quotes"] = () => Json("{'size': 1}"),
        ["wrong content type"] = () => new StringContent("""{"size":1,"rooms":2}""", Encoding.UTF8, "text/plain"),
        ["form content type"] = () => new FormUrlEncodedContent([new("size", "1")]),
        ["no content type"] = () => NoContentType("""{"size":1,"rooms":2}"""),
        ["empty body"] = () => Json(""),
        ["whitespace body"] = () => Json("   \n "),
        ["null"] = () => Json("null"),
        ["number"] = () => Json("42"),
        ["string"] = () => Json("\"size\""),
        ["huge payload"] = () => Json("{\"size\":1,\"rooms\":2,\"pad\":\"" + new string('x', 2 * 1024 * 1024) + "\"}"),
        ["deep nesting"] = () => Json(new string('[', 500) + new string(']', 500)),
        ["deep object nesting"] = () => Json(string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200)),
        ["invalid utf-8"] = () => Bytes([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]),
        ["lone surrogate"] = () => Json("{\"size\":\"\\uD800\",\"rooms\":1}"),
        ["control characters"] = () => Json("{\"si\u0001ze\":1}"),
        ["unicode field names"] = () => Json("""{"sïze":1,"ルーム":2,"🙂":3}"""),
        ["wrong types"] = () => Json("""{"size":"one","rooms":true}"""),
        ["nan literal"] = () => Json("""{"size":NaN,"rooms":1}"""),
        ["nan string"] = () => Json("""{"size":"NaN","rooms":"-Infinity"}"""),
        ["overflow"] = () => Json("""{"size":1e400,"rooms":1}"""),
        ["nulls"] = () => Json("""{"size":null,"rooms":null}"""),
        ["missing fields"] = () => Json("{}"),
        ["duplicate keys"] = () => Json("""{"size":1,"size":2,"rooms":1}"""),
        ["nested array of objects"] = () => Json("""[[{"size":1,"rooms":1}]]"""),
        ["empty batch"] = () => Json("[]"),
        ["oversized batch"] = () => Json("[" + string.Join(",", Enumerable.Repeat("""{"size":1,"rooms":1}""", 1001)) + "]"),
        ["array of nulls"] = () => Json("[null, null]"),
        ["array of numbers"] = () => Json("[-1, -2]"),
    };

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(b => b.AddModel<MLOps.Core.Tests.Support.HouseInput, MLOps.Core.Tests.Support.HousePrediction>(
        "house", m => m.FromTransformer(MLOps.Core.Tests.Support.TestModels.Distinct[0]).WithQualityMonitoring(q => q.Regression(o => o.Score))));

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Post_MalformedRequest_Returns4xxProblemDetailsNever500(string endpoint, string request)
    {
        using HttpContent content = Requests[request]();

        using var response = await _app.Client.PostAsync(endpoint, content);

        string body = await response.Content.ReadAsStringAsync();
        int status = (int)response.StatusCode;
        Assert.True(status is >= 400 and < 500, $"{request} at {endpoint}: HTTP {status} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("title").GetString()));
    }

    [Theory]
    [InlineData("/mlops/models/%FF%FE/predict")]
    [InlineData("/mlops/models/..%2F..%2Fetc/predict")]
    [InlineData("/mlops/models/%F0%9F%99%82/predict/batch")]
    public async Task Post_GarbageModelName_Returns404ProblemDetails(string url)
    {
        using var response = await _app.Client.PostAsync(url, Json("""{"size":1,"rooms":1}"""));

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Post_VeryLongModelName_Returns404ProblemDetailsWithoutEchoingItAll()
    {
        string name = new('a', 5000);

        using var response = await _app.Client.PostAsync($"/mlops/models/{name}/predict", Json("""{"size":1,"rooms":1}"""));

        Assert.Equal(404, (int)response.StatusCode);
        Assert.True((await response.Content.ReadAsStringAsync()).Length < 1000);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static ByteArrayContent Bytes(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static ByteArrayContent NoContentType(string text) => new(Encoding.UTF8.GetBytes(text));
}
