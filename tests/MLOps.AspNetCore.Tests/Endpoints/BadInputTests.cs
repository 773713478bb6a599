using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MLOps.AspNetCore.Tests.Support;

namespace MLOps.AspNetCore.Tests.Endpoints;

/// <summary>
/// Malformed requests at every MLOps endpoint that takes a body, a route value or a query, on real Kestrel: always a
/// 4xx with ProblemDetails where the app answers (or Kestrel's own answer for broken framing), never a 500, and no
/// request ends in a server error on the server side either, even when the answer never reaches the client.
/// </summary>
/// <remarks>
/// The classes: malformed JSON and media types; strings that parse but are not text (lone surrogates, invalid, overlong
/// and surrogate UTF-8, NUL) in every string field and in property names; numbers at and past the edge of a double;
/// transfer framing (bad chunk sizes, truncated chunks, a Content-Length that disagrees with the body); route values
/// that decode to no text; and sizes over every limit (body, request line, headers).
/// </remarks>
public sealed class BadInputTests(BadInputApp fixture) : IClassFixture<BadInputApp>, IDisposable
{
    private const string Prediction = "{prediction}";

    /// <summary>Every endpoint that takes a body, with a body it refuses or that changes nothing (for the transfer cases).</summary>
    private static readonly Dictionary<string, string> BodyEndpoints = new()
    {
        ["/mlops/models/house/predict"] = """{"size":1,"rooms":1}""",
        ["/mlops/models/house/predict/batch"] = """[{"size":1,"rooms":1}]""",
        ["/mlops/models/no-such-model/predict"] = """{"size":1,"rooms":1}""",
        [$"/mlops/predictions/{Prediction}/feedback"] = """{"actual":null}""",
        ["/mlops/predictions/0123456789abcdef0123456789abcdef/feedback"] = """{"actual":1}""",
        ["/mlops/predictions/-1/feedback"] = """{"actual":1}""",
        ["/mlops/models/house/aliases/challenger"] = """{"version":0,"reason":"x"}""",
        ["/mlops/models/house/rollback"] = """{"alias":"not an alias!","reason":"x"}""",
        ["/mlops/models/house/approvals/nope"] = """{"approve":true,"reason":"x"}""",
        ["/mlops/models/house/retrain"] = """{"reason":""}""",
        ["/mlops/models/nobody/retrain"] = """{"reason":"x"}""",
        ["/mlops/models/house/rollouts"] = """{"candidate":0,"strategy":"canary"}""",
        ["/mlops/models/house/rollouts/nope/pause"] = """{"reason":"x"}""",
        ["/mlops/models/house/rollouts/nope/promote"] = """{"gates":{"minMetrics":{"r2":1}}}""",
    };

    /// <summary>Where each endpoint reads a string or a number: the value goes in place of <c>$</c>.</summary>
    private static readonly (string Endpoint, string Template, bool Number)[] Slots =
    [
        ("/mlops/models/house/predict", """{"size":$,"rooms":1}""", true),
        ("/mlops/models/house/predict", """{"size":1,"rooms":1,$:1}""", false),
        ("/mlops/models/house/predict/batch", """[{"size":1,"rooms":$}]""", true),
        ("/mlops/models/no-such-model/predict", """{"size":$,"rooms":1}""", true),
        ($"/mlops/predictions/{Prediction}/feedback", """{"actual":$}""", true),
        ($"/mlops/predictions/{Prediction}/feedback", """{$:1}""", false),
        ("/mlops/predictions/0123456789abcdef0123456789abcdef/feedback", """{"actual":$}""", true),
        ("/mlops/predictions/-1/feedback", """{"actual":$}""", true),
        ("/mlops/models/house/aliases/challenger", """{"version":2,"reason":$}""", false),
        ("/mlops/models/house/aliases/challenger", """{"version":$,"reason":"x"}""", true),
        ("/mlops/models/house/rollback", """{"alias":$,"reason":"x"}""", false),
        ("/mlops/models/house/rollback", """{"reason":$}""", false),
        ("/mlops/models/house/approvals/nope", """{"approve":true,"reason":$}""", false),
        ("/mlops/models/house/approvals/nope", """{"approve":$,"reason":"x"}""", true),
        ("/mlops/models/house/retrain", """{"reason":$}""", true),
        ("/mlops/models/nobody/retrain", """{"reason":$}""", false),
        ("/mlops/models/house/rollouts", """{"candidate":2,"strategy":$}""", false),
        ("/mlops/models/house/rollouts", """{"candidate":$,"strategy":"canary"}""", true),
        ("/mlops/models/house/rollouts", """{"candidate":2,"strategy":"canary","analysis":{"alpha":$}}""", true),
        ("/mlops/models/house/rollouts", """{"candidate":2,"strategy":"canary","analysis":{"interval":$}}""", false),
        ("/mlops/models/house/rollouts/nope/pause", """{"reason":$}""", false),
        ("/mlops/models/house/rollouts/nope/pause", """{"expectedRevision":$}""", true),

        // Promotion gates. House's versions have no metrics, so a minMetrics gate always refuses: nothing moves.
        ("/mlops/models/house/aliases/challenger", """{"version":2,"reason":"x","gates":{"minMetrics":{"r2":$}}}""", true),
        ("/mlops/models/house/aliases/challenger", """{"version":2,"reason":"x","gates":{"maxMetrics":{$:1}}}""", false),
        ("/mlops/models/house/aliases/challenger", """{"version":2,"reason":"x","gates":{"minMetrics":{"r2":0},"beatCurrent":{"metric":$}}}""", false),
        ("/mlops/models/house/aliases/challenger", """{"version":2,"reason":"x","gates":{"minMetrics":{"r2":0},"beatCurrent":[{"metric":"r2","margin":$}]}}""", true),
        ("/mlops/models/house/rollouts/nope/promote", """{"gates":{"maxMetrics":{"rmse":$}}}""", true),
        ("/mlops/models/house/rollouts/nope/promote", """{"gates":{"beatCurrent":{"metric":$,"higherIsBetter":false}}}""", false),
    ];

    /// <summary>JSON strings (the raw bytes of the token, quotes included) that parse but are not text.</summary>
    private static readonly Dictionary<string, byte[]> BadStrings = new()
    {
        ["lone high surrogate \\ud800"] = Encoding.ASCII.GetBytes("\"\\ud800\""),
        ["lone low surrogate \\udfff"] = Encoding.ASCII.GetBytes("\"\\udfff\""),
        ["reversed surrogate pair"] = Encoding.ASCII.GetBytes("\"x\\udc00\\ud800y\""),
        ["high surrogate then a letter"] = Encoding.ASCII.GetBytes("\"\\ud800\\u0041\""),
        ["invalid utf-8 ff fe"] = [0x22, 0xff, 0xfe, 0x22],
        ["overlong utf-8 c0 af"] = [0x22, 0xc0, 0xaf, 0x22],
        ["overlong utf-8 e0 80 af"] = [0x22, 0xe0, 0x80, 0xaf, 0x22],
        ["utf-8 encoded surrogate ed a0 80"] = [0x22, 0xed, 0xa0, 0x80, 0x22],
        ["truncated utf-8 e2 82"] = [0x22, 0xe2, 0x82, 0x22],
        ["utf-8 past U+10FFFF"] = [0x22, 0xf4, 0x90, 0x80, 0x80, 0x22],
        ["escaped text with invalid utf-8"] = [0x22, 0x5c, 0x6e, 0xff, 0x22],
        ["NUL \\u0000"] = Encoding.ASCII.GetBytes("\"\\u0000\""),
        ["embedded NUL"] = Encoding.ASCII.GetBytes("\"ab\\u0000cd\""),
        ["long text ending in a lone surrogate"] = Encoding.ASCII.GetBytes("\"" + new string('a', 1000) + "\\ud800\""),
    };

    /// <summary>Numbers at and past the edges of a double.</summary>
    private static readonly string[] EdgeNumbers =
    [
        "1e400", "-1e400", "1e308", "-1.7976931348623157e308", "1.7976931348623157e308", "-0", "-0.0", "4.9e-324",
        "2.2250738585072014e-308", "1e-400", "123456789012345678901234567890", "1E+2",
    ];

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

    /// <summary>Transfer framing errors: (request head lines, body bytes, half-close the sending side) from a valid body.</summary>
    private static readonly Dictionary<string, Func<byte[], (string[] Headers, byte[] Body, bool CloseSend)>> Transfers = new()
    {
        ["chunk size overflows (ffffffffffffffffff)"] = b => (Chunked, [.. Ascii("ffffffffffffffffff\r\n"), .. b, .. Ascii("\r\n0\r\n\r\n")], false),
        ["chunk size not hex"] = b => (Chunked, [.. Ascii("zz\r\n"), .. b, .. Ascii("\r\n0\r\n\r\n")], false),
        ["negative chunk size"] = b => (Chunked, [.. Ascii("-1\r\n"), .. b, .. Ascii("\r\n0\r\n\r\n")], false),
        ["chunk size with 0x prefix"] = b => (Chunked, [.. Ascii($"0x{b.Length:x}\r\n"), .. b, .. Ascii("\r\n0\r\n\r\n")], false),
        ["chunk size with NUL extension"] = b => (Chunked, [.. Ascii($"{b.Length:x};\0\r\n"), .. b, .. Ascii("\r\n0\r\n\r\n")], false),
        ["chunk longer than its size"] = b => (Chunked, [.. Ascii("2\r\n"), .. b, .. Ascii("\r\n0\r\n\r\n")], false),
        ["truncated chunk, then close"] = b => (Chunked, [.. Ascii($"{b.Length + 100:x}\r\n"), .. b], true),
        ["no last chunk, then close"] = b => (Chunked, [.. Ascii($"{b.Length:x}\r\n"), .. b, .. Ascii("\r\n")], true),
        ["chunk size line cut, then close"] = b => (Chunked, Ascii("1"), true),
        ["only the last chunk"] = b => (Chunked, Ascii("0\r\n\r\n"), false),
        ["content-length longer than the body, then close"] = b => (Length(b.Length + 100), b, true),
        ["content-length shorter than the body"] = b => (Length(5), b, false),
        ["content-length and chunked"] = b => ([.. Chunked, $"Content-Length: {b.Length}"], [.. Ascii($"{b.Length:x}\r\n"), .. b, .. Ascii("\r\n0\r\n\r\n")], false),
        ["content-length not a number"] = b => (["Content-Type: application/json", "Content-Length: abc"], b, false),
        ["negative content-length"] = b => (["Content-Type: application/json", "Content-Length: -1"], b, false),
        ["content-length overflows"] = b => (["Content-Type: application/json", "Content-Length: 99999999999999999999999"], b, false),
        ["two different content-lengths"] = b => (["Content-Type: application/json", $"Content-Length: {b.Length}", "Content-Length: 1"], b, false),
        ["transfer-encoding not chunked"] = b => (["Content-Type: application/json", "Transfer-Encoding: gzip"], b, false),
    };

    /// <summary>Route values that decode to no text, to control characters, to traversal, or are long.</summary>
    private static readonly string[] BadRouteValues =
    [
        "%ED%A0%80", "%ED%BF%BF", "%FF%FE", "%C0%AF", "%E2%82", "%F4%90%80%80", "%00", "a%00b", "%0D%0A", "..%2F..%2Fetc",
        "%2e%2e", "%20", "%25", "%F0%9F%99%82", new string('a', 5000),
    ];

    /// <summary>Every route with a value; the value goes in place of <c>$</c>.</summary>
    private static readonly (string Method, string Route)[] Routes =
    [
        ("GET", "/mlops/models/$"), ("GET", "/mlops/models/$/versions"), ("GET", "/mlops/models/$/aliases"),
        ("GET", "/mlops/models/$/quality"), ("GET", "/mlops/models/$/drift"), ("GET", "/mlops/models/$/retrain"),
        ("GET", "/mlops/models/$/approvals"), ("GET", "/mlops/models/$/audit"),
        ("POST", "/mlops/models/$/predict"), ("POST", "/mlops/models/$/predict/batch"), ("POST", "/mlops/models/$/retrain"),
        ("POST", "/mlops/models/$/rollback"), ("POST", "/mlops/models/$/aliases/champion"), ("POST", "/mlops/models/house/aliases/$"),
        ("POST", "/mlops/models/$/approvals/nope"), ("POST", "/mlops/models/house/approvals/$"), ("POST", "/mlops/predictions/$/feedback"),
        ("GET", "/mlops/models/$/rollout"), ("GET", "/mlops/models/$/rollouts"), ("POST", "/mlops/models/$/rollouts"),
        ("POST", "/mlops/models/house/rollouts/$/pause"), ("POST", "/mlops/models/house/rollouts/nope/$"),
    ];

    private static string[] Chunked => ["Content-Type: application/json", "Transfer-Encoding: chunked"];

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string endpoint in BodyEndpoints.Keys)
        {
            foreach (string name in Requests.Keys)
            {
                data.Add(endpoint, name);
            }
        }

        return data;
    }

    public static TheoryData<string, string, string> StringCases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (endpoint, template, _) in Slots)
        {
            foreach (string name in BadStrings.Keys)
            {
                data.Add(endpoint, template, name);
            }
        }

        return data;
    }

    public static TheoryData<string, string, string> NumberCases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (endpoint, template, _) in Slots.Where(s => s.Number))
        {
            foreach (string number in EdgeNumbers)
            {
                data.Add(endpoint, template, number);
            }
        }

        return data;
    }

    public static TheoryData<string, string> TransferCases()
    {
        var data = new TheoryData<string, string>();
        foreach (string endpoint in BodyEndpoints.Keys)
        {
            foreach (string name in Transfers.Keys)
            {
                data.Add(endpoint, name);
            }
        }

        return data;
    }

    public static TheoryData<string, string, string> RouteCases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (method, route) in Routes)
        {
            foreach (string value in BadRouteValues)
            {
                data.Add(method, route, value);
            }
        }

        return data;
    }

    public static TheoryData<string> BodyEndpointNames() => [.. BodyEndpoints.Keys];

    public void Dispose() => fixture.AssertNoServerErrors();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Post_MalformedRequest_Returns4xxProblemDetailsNever500(string endpoint, string request)
    {
        using HttpContent content = Requests[request]();

        using var response = await fixture.App.Client.PostAsync(Url(endpoint), content);

        await AssertProblemAsync(response, $"{request} at {endpoint}");
    }

    [Theory]
    [MemberData(nameof(StringCases))]
    public async Task Post_StringThatIsNotText_Returns4xxProblemDetails(string endpoint, string template, string value)
    {
        using var response = await fixture.App.Client.PostAsync(Url(endpoint), Bytes(Fill(template, BadStrings[value])));

        int status = await AssertProblemAsync(response, $"{value} in {template} at {endpoint}");
        if (!endpoint.Contains("no-such-model", StringComparison.Ordinal))
        {
            Assert.Equal(400, status);   // the body was read: its text is refused, whatever the route names
        }
    }

    [Theory]
    [MemberData(nameof(NumberCases))]
    public async Task Post_EdgeNumber_IsAnsweredOrRefusedNever500(string endpoint, string template, string number)
    {
        using var response = await fixture.App.Client.PostAsync(Url(endpoint), Bytes(Fill(template, Encoding.ASCII.GetBytes(number))));

        int status = (int)response.StatusCode;
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(status < 500, $"{number} in {template} at {endpoint}: HTTP {status} {body}");
        if (status >= 400)
        {
            await AssertProblemAsync(response, $"{number} in {template} at {endpoint}");
        }
        else
        {
            // Answered: a finite input the model maps to a non-finite output is written as a named literal, by design.
            using var answer = JsonDocument.Parse(body);
        }

        if (number is "1e400" or "-1e400" && (endpoint.Contains("predict", StringComparison.Ordinal) || endpoint.Contains(Prediction, StringComparison.Ordinal))
            && !endpoint.Contains("no-such-model", StringComparison.Ordinal))
        {
            Assert.Equal(400, status);   // a number that is not finite is never accepted as a feature or as ground truth
        }
    }

    [Theory]
    [MemberData(nameof(TransferCases))]
    public async Task Post_MalformedTransfer_Gets4xxOrKestrelClosesNever500(string endpoint, string transfer)
    {
        var (headers, body, closeSend) = Transfers[transfer](Encoding.UTF8.GetBytes(BodyEndpoints[endpoint]));

        var responses = await RawHttp.SendAsync(fixture.Address, RawHttp.Request("POST", Url(endpoint), headers, body), closeSend, TimeSpan.FromSeconds(10));

        AssertNoServerError(responses, $"{transfer} at {endpoint}");
    }

    [Theory]
    [MemberData(nameof(RouteCases))]
    public async Task Request_BadRouteValue_Returns4xxNever500(string method, string route, string value)
    {
        string target = route.Replace("$", value, StringComparison.Ordinal);
        byte[] body = method == "POST" ? Encoding.UTF8.GetBytes(BodyFor(route)) : [];
        string[] headers = method == "POST" ? ["Content-Type: application/json", $"Content-Length: {body.Length}"] : [];

        var responses = await RawHttp.SendAsync(fixture.Address, RawHttp.Request(method, target, headers, body));

        var response = Assert.Single(responses);
        Assert.True(response.Status is >= 400 and < 500, $"{method} {target[..Math.Min(target.Length, 100)]}: HTTP {response.Status} {response.Body}");
        AssertNoServerError(responses, $"{method} {route} with {value[..Math.Min(value.Length, 20)]}");
        Assert.True(response.Body.Length < 1000, "the answer echoes a long route value whole");
    }

    [Theory]
    [MemberData(nameof(BodyEndpointNames))]
    public async Task Post_TenMegabyteString_Returns413OrKestrelClosesNever500(string endpoint)
    {
        byte[] body = Encoding.UTF8.GetBytes("{\"reason\":\"" + new string('x', 10 * 1024 * 1024) + "\",\"actual\":\"x\"}");

        var withLength = await RawHttp.SendAsync(fixture.Address, RawHttp.Request("POST", Url(endpoint), ["Content-Type: application/json", $"Content-Length: {body.Length}"], body));
        var chunked = await RawHttp.SendAsync(fixture.Address, RawHttp.Request("POST", Url(endpoint), Chunked, [.. Ascii($"{body.Length:x}\r\n"), .. body, .. Ascii("\r\n0\r\n\r\n")]));

        AssertNoServerError(withLength, $"10 MB with Content-Length at {endpoint}");
        AssertNoServerError(chunked, $"10 MB chunked at {endpoint}");
        if (!endpoint.Contains("no-such-model", StringComparison.Ordinal))
        {
            Assert.All(withLength.Concat(chunked), r => Assert.Equal(413, r.Status));
        }
    }

    [Theory]
    [InlineData("GET", "/mlops/models/house?q=")]
    [InlineData("POST", "/mlops/models/house/predict?q=")]
    [InlineData("POST", "/mlops/models/house/aliases/challenger?q=")]
    public async Task Request_TenMegabyteQuery_Returns414OrKestrelClosesNever500(string method, string target)
    {
        byte[] body = method == "POST" ? "{}"u8.ToArray() : [];
        string[] headers = method == "POST" ? ["Content-Type: application/json", "Content-Length: 2"] : [];

        var responses = await RawHttp.SendAsync(fixture.Address, RawHttp.Request(method, target + new string('q', 10 * 1024 * 1024), headers, body));

        AssertNoServerError(responses, target);
        Assert.All(responses, r => Assert.Equal(414, r.Status));
    }

    [Theory]
    [InlineData(10 * 1024 * 1024, 431)]
    [InlineData(100 * 1024, 431)]
    public async Task Request_HugeHeader_Returns431OrKestrelClosesNever500(int size, int status)
    {
        var responses = await RawHttp.SendAsync(
            fixture.Address,
            RawHttp.Request("POST", "/mlops/models/house/predict", ["Content-Type: application/json", "Content-Length: 2", "X-Pad: " + new string('h', size)], "{}"u8));

        AssertNoServerError(responses, "huge header");
        Assert.All(responses, r => Assert.Equal(status, r.Status));
    }

    [Theory]
    [InlineData("header with invalid utf-8")]
    [InlineData("path with raw invalid utf-8")]
    [InlineData("path with a raw NUL")]
    public async Task Request_RawBytesThatAreNotText_Returns400Never500(string what)
    {
        byte[] body = """{"size":1,"rooms":1}"""u8.ToArray();
        byte[] request = what switch
        {
            "header with invalid utf-8" => RawHttp.Request("POST", "/mlops/models/house/predict", ["Content-Type: application/json", $"Content-Length: {body.Length}", "X-Bad: \u00ff\u00fe\u00c0\u00af"], body),
            "path with raw invalid utf-8" => RawHttp.Request("POST", "/mlops/models/\u00ff\u00fe/predict", ["Content-Type: application/json", $"Content-Length: {body.Length}"], body),
            _ => RawHttp.Request("POST", "/mlops/models/ho\0use/predict", ["Content-Type: application/json", $"Content-Length: {body.Length}"], body),
        };

        var responses = await RawHttp.SendAsync(fixture.Address, request);

        AssertNoServerError(responses, what);
        Assert.All(responses, r => Assert.True(r.Status is >= 400 and < 500, $"{what}: HTTP {r.Status}"));
    }

    [Theory]
    [InlineData("escaped surrogate pair", new byte[] { 0x22, 0x5c, 0x75, 0x64, 0x38, 0x33, 0x64, 0x5c, 0x75, 0x64, 0x65, 0x34, 0x32, 0x22 })]
    [InlineData("raw 4-byte utf-8 (emoji)", new byte[] { 0x22, 0xf0, 0x9f, 0x99, 0x82, 0x22 })]
    [InlineData("raw U+10FFFF", new byte[] { 0x22, 0xf4, 0x8f, 0xbf, 0xbf, 0x22 })]
    [InlineData("raw U+FFFF", new byte[] { 0x22, 0xef, 0xbf, 0xbf, 0x22 })]
    [InlineData("escaped e-acute and tab", new byte[] { 0x22, 0x5c, 0x75, 0x30, 0x30, 0x65, 0x39, 0x5c, 0x74, 0x22 })]
    [InlineData("long escaped text", null)]
    public async Task Post_ValidText_IsNotMistakenForBadText(string what, byte[]? value)
    {
        value ??= Encoding.ASCII.GetBytes("\"" + string.Concat(Enumerable.Repeat("\\u00e9\\ud83d\\ude42", 80)) + "\"");

        // An unknown id: the body passed every check when the answer is "unknown prediction".
        using var response = await fixture.App.Client.PostAsync(
            "/mlops/predictions/0123456789abcdef0123456789abcdef/feedback", Bytes(Fill("""{"actual":$}""", value)));

        Assert.True(404 == (int)response.StatusCode, $"{what}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task Feedback_AfterEveryKindOfBadBody_TheStoredPredictionStillJoins()
    {
        string id = await fixture.PredictAsync();
        string url = $"/mlops/predictions/{id}/feedback";

        foreach (byte[] value in BadStrings.Values)
        {
            using var response = await fixture.App.Client.PostAsync(url, Bytes(Fill("""{"actual":$}""", value)));
            Assert.Equal(400, (int)response.StatusCode);
        }

        foreach (string number in new[] { "1e400", "-1e400", "NaN", "\"Infinity\"" })
        {
            using var response = await fixture.App.Client.PostAsync(url, Bytes(Fill("""{"actual":$}""", Encoding.ASCII.GetBytes(number))));
            Assert.Equal(400, (int)response.StatusCode);
        }

        foreach (var (name, transfer) in Transfers)
        {
            // A good body that arrives broken must not be recorded either: the framing error wins.
            var (headers, body, closeSend) = transfer("""{"actual":250}"""u8.ToArray());
            if (name is "chunk size with NUL extension" or "content-length and chunked")
            {
                // Kestrel reads these bodies whole, so they are valid requests: it ignores chunk extensions (RFC 9112
                // 7.1.1), and chunked framing overrides a Content-Length (RFC 9112 6.3; the connection is closed after).
                continue;
            }

            var responses = await RawHttp.SendAsync(fixture.Address, RawHttp.Request("POST", url, headers, body), closeSend, TimeSpan.FromSeconds(10));
            Assert.All(responses, r => Assert.True(r.Status != 200, $"{name}: {r}"));
        }

        using var good = await fixture.App.Client.PostAsJsonAsync(url, new { actual = 250.0 });

        Assert.Equal(System.Net.HttpStatusCode.OK, good.StatusCode);
        Assert.Equal("joined", (await good.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        var history = await fixture.App.Client.GetFromJsonAsync<JsonElement>("/mlops/models/house/aliases");
        Assert.Equal(1, history.GetArrayLength());   // and no bad management body changed an alias
    }

    private string Url(string endpoint) => endpoint.Replace(Prediction, fixture.PredictionId, StringComparison.Ordinal);

    private static string BodyFor(string route) =>
        BodyEndpoints.FirstOrDefault(e => Matches(route, e.Key)).Value ?? """{"size":1,"rooms":1}""";

    private static bool Matches(string route, string endpoint)
    {
        string[] a = route.Split('/'), b = endpoint.Split('/');
        return a.Length == b.Length && a.Zip(b).All(p => p.First == "$" || p.First == p.Second || p.Second == Prediction);
    }

    private static async Task<int> AssertProblemAsync(HttpResponseMessage response, string what)
    {
        string body = await response.Content.ReadAsStringAsync();
        int status = (int)response.StatusCode;
        Assert.True(status is >= 400 and < 500, $"{what}: HTTP {status} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("title").GetString()));
        return status;
    }

    private static void AssertNoServerError(IReadOnlyList<RawHttp.Response> responses, string what)
    {
        foreach (var response in responses)
        {
            Assert.True(response.Status < 500, $"{what}: HTTP {response.Status} {response.Body}");
            if (response.Status >= 400 && response.Body.Length > 0)
            {
                // The app answered: ProblemDetails. (Kestrel's own answers to broken framing have no body.)
                Assert.StartsWith("application/problem+json", response.ContentType, StringComparison.Ordinal);
                using var problem = JsonDocument.Parse(response.Body);
                Assert.Equal(response.Status, problem.RootElement.GetProperty("status").GetInt32());
            }
        }
    }

    private static byte[] Fill(string template, byte[] value)
    {
        int at = template.IndexOf('$', StringComparison.Ordinal);
        return [.. Encoding.UTF8.GetBytes(template[..at]), .. value, .. Encoding.UTF8.GetBytes(template[(at + 1)..])];
    }

    private static byte[] Ascii(string text) => Encoding.Latin1.GetBytes(text);

    private static string[] Length(int length) => ["Content-Type: application/json", $"Content-Length: {length}"];

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static ByteArrayContent Bytes(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static ByteArrayContent NoContentType(string text) => new(Encoding.UTF8.GetBytes(text));
}
