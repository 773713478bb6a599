using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace MLOps.Monitoring.Tests.Reports;

/// <summary>Checks on a rendered HTML report, on its parsed DOM (AngleSharp) and on its text.</summary>
internal static partial class HtmlReport
{
    public static IDocument Parse(string html)
    {
        var parser = new HtmlParser(new HtmlParserOptions { IsStrictMode = false });
        return parser.ParseDocument(html);
    }

    /// <summary>
    /// Every cell with <c>data-json</c> shows the JSON value its pointer names, formatted as the report states (6
    /// significant digits, invariant culture; NaN and null as "–", booleans as yes/no), and every numeric cell has one.
    /// Returns how many cells were compared.
    /// </summary>
    public static int AssertNumbersMatchJson(string html, string json)
    {
        IDocument document = Parse(html);
        JsonNode root = JsonNode.Parse(json)!;
        int compared = 0;
        foreach (IElement cell in document.QuerySelectorAll("td.num"))
        {
            Assert.True(cell.HasAttribute("data-json"), $"A numeric cell without its JSON field: {cell.OuterHtml}");
        }

        foreach (IElement cell in document.QuerySelectorAll("[data-json]"))
        {
            string pointer = cell.GetAttribute("data-json")!;
            JsonNode? node = Resolve(root, pointer, out bool found);
            Assert.True(found, $"{pointer} is not in the JSON.");
            Assert.Equal(Expected(node, pointer), cell.TextContent);
            compared++;
        }

        // No number outside a data-json cell in the tables (captions and headers hold names only).
        foreach (IElement cell in document.QuerySelectorAll("table td"))
        {
            if (!cell.HasAttribute("data-json") && cell.QuerySelector("time") is null && NumberPattern().IsMatch(cell.TextContent))
            {
                Assert.Fail($"A table cell shows a number that is not tied to the JSON: {cell.OuterHtml}");
            }
        }

        return compared;
    }

    /// <summary>No request of any kind: no URL, no script, no stylesheet link, no import, no src/href attribute.</summary>
    public static void AssertLoadsNothing(string html)
    {
        Assert.DoesNotContain("http:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        IDocument document = Parse(html);
        Assert.Empty(document.QuerySelectorAll("script, link, iframe, img, object, embed, base, use, image"));
        Assert.DoesNotContain(document.All, e => e.HasAttribute("src") || e.HasAttribute("href") || e.HasAttribute("xlink:href") || e.HasAttribute("srcset"));
    }

    /// <summary>The accessibility basics: lang, title, headings, and each chart an image with a title followed by its table.</summary>
    public static void AssertAccessible(string html)
    {
        IDocument document = Parse(html);
        Assert.Equal("en", document.DocumentElement.GetAttribute("lang"));
        Assert.False(string.IsNullOrWhiteSpace(document.Title));
        Assert.Single(document.QuerySelectorAll("h1"));
        Assert.NotEmpty(document.QuerySelectorAll("h2"));
        foreach (IElement svg in document.QuerySelectorAll("svg"))
        {
            Assert.Equal("img", svg.GetAttribute("role"));
            string id = svg.GetAttribute("aria-labelledby")!;
            IElement? title = svg.QuerySelector("title");
            Assert.NotNull(title);
            Assert.Equal(id, title!.Id);
            Assert.False(string.IsNullOrWhiteSpace(title.TextContent));
            Assert.NotNull(svg.ParentElement!.QuerySelector("table"));
        }

        Assert.Contains("@media print", html, StringComparison.Ordinal);
        Assert.Equal(
            "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
            document.QuerySelector("meta[http-equiv=Content-Security-Policy]")?.GetAttribute("content"));
    }

    /// <summary>The text is valid UTF-16 (no lone surrogate), so it encodes to UTF-8 strictly.</summary>
    public static void AssertEncodable(string html) =>
        new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetBytes(html);

    private static string Expected(JsonNode? node, string pointer)
    {
        if (node is null)
        {
            return "–";
        }

        JsonElement value = node.GetValue<JsonElement>();
        return value.ValueKind switch
        {
            JsonValueKind.True => "yes",
            JsonValueKind.False => "no",
            JsonValueKind.Number when value.TryGetInt64(out long integer) && !value.GetRawText().Contains('.', StringComparison.Ordinal) && !value.GetRawText().Contains('E', StringComparison.OrdinalIgnoreCase) =>
                pointer.EndsWith("Count", StringComparison.Ordinal) || pointer.EndsWith("Rows", StringComparison.Ordinal) || pointer.EndsWith("Features", StringComparison.Ordinal)
                    || pointer.EndsWith("/count", StringComparison.Ordinal) || pointer.EndsWith("/skipped", StringComparison.Ordinal) || pointer.EndsWith("Feedback", StringComparison.Ordinal)
                    || pointer.EndsWith("/modelVersion", StringComparison.Ordinal)
                    ? integer.ToString(CultureInfo.InvariantCulture)
                    : value.GetDouble().ToString("G6", CultureInfo.InvariantCulture),
            JsonValueKind.Number => value.GetDouble().ToString("G6", CultureInfo.InvariantCulture),
            JsonValueKind.String => value.GetString() switch
            {
                "NaN" => "–",
                "Infinity" => "∞",
                "-Infinity" => "−∞",
                var other => throw new InvalidOperationException($"{pointer} is the text '{other}', not a number."),
            },
            _ => throw new InvalidOperationException($"{pointer} is {value.ValueKind}, not a number."),
        };
    }

    private static JsonNode? Resolve(JsonNode root, string pointer, out bool found)
    {
        JsonNode? node = root;
        foreach (string raw in pointer.Split('/').Skip(1))
        {
            string segment = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            switch (node)
            {
                case JsonObject o when o.TryGetPropertyValue(segment, out JsonNode? child):
                    node = child;
                    break;
                case JsonArray a when int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out int index) && index < a.Count:
                    node = a[index];
                    break;
                default:
                    found = false;
                    return null;
            }
        }

        found = true;
        return node;
    }

    [GeneratedRegex(@"^\s*[-−+]?(\d|∞)")]
    private static partial Regex NumberPattern();
}
