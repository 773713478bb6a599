using System.Text;

namespace MLOps.Monitoring.Reports.Internal;

/// <summary>
/// A minimal HTML writer: every text and attribute value goes through <see cref="Encode(System.Text.StringBuilder, string?)"/>; markup written with
/// <see cref="Raw"/> is the writer's own (tags, CSS), never user data.
/// </summary>
internal sealed class HtmlWriter
{
    private readonly StringBuilder _html = new(16 * 1024);

    public HtmlWriter Raw(string markup)
    {
        _html.Append(markup);
        return this;
    }

    public HtmlWriter Text(string? text)
    {
        Encode(_html, text);
        return this;
    }

    /// <summary>Writes <c>&lt;tag a="v" …&gt;</c>; attributes whose value is <see langword="null"/> are left out.</summary>
    public HtmlWriter Open(string tag, params ReadOnlySpan<(string Name, string? Value)> attributes)
    {
        _html.Append('<').Append(tag);
        foreach ((string name, string? value) in attributes)
        {
            if (value is not null)
            {
                _html.Append(' ').Append(name).Append("=\"");
                Encode(_html, value);
                _html.Append('"');
            }
        }

        _html.Append('>');
        return this;
    }

    public HtmlWriter Close(string tag)
    {
        _html.Append("</").Append(tag).Append('>');
        return this;
    }

    /// <summary>Writes an element holding encoded text.</summary>
    public HtmlWriter Element(string tag, string? text, params ReadOnlySpan<(string Name, string? Value)> attributes) =>
        Open(tag, attributes).Text(text).Close(tag);

    /// <summary>A table cell holding a number of the report's JSON, with the JSON Pointer of that number in <c>data-json</c>.</summary>
    public HtmlWriter NumberCell(double? value, string pointer) =>
        Element("td", ReportFormat.Number(value), ("class", "num"), ("data-json", pointer));

    /// <summary>A table cell holding an integer of the report's JSON, with its JSON Pointer in <c>data-json</c>.</summary>
    public HtmlWriter IntegerCell(long value, string pointer) =>
        Element("td", ReportFormat.Integer(value), ("class", "num"), ("data-json", pointer));

    /// <summary>A table cell holding a boolean of the report's JSON as yes/no, with its JSON Pointer in <c>data-json</c>.</summary>
    public HtmlWriter BooleanCell(bool value, string pointer, string? cssClass = null) =>
        Element("td", ReportFormat.Boolean(value), ("class", cssClass), ("data-json", pointer));

    public override string ToString() => _html.ToString();

    /// <summary>
    /// HTML-encodes text for element content and quoted attribute values: <c>&amp; &lt; &gt; " '</c> become references;
    /// lone surrogates, NUL and the other control characters HTML forbids (except tab, line feed, carriage return)
    /// become U+FFFD, so the page is valid and always encodable as UTF-8.
    /// </summary>
    public static void Encode(StringBuilder html, string? text)
    {
        if (text is null)
        {
            return;
        }

        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '&': html.Append("&amp;"); break;
                case '<': html.Append("&lt;"); break;
                case '>': html.Append("&gt;"); break;
                case '"': html.Append("&quot;"); break;
                case '\'': html.Append("&#39;"); break;
                case '\t' or '\n' or '\r': html.Append(c); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        html.Append(c).Append(text[++i]);
                    }
                    else if (char.IsSurrogate(c) || char.IsControl(c) || c is '\uFFFE' or '\uFFFF')
                    {
                        html.Append('\uFFFD');
                    }
                    else
                    {
                        html.Append(c);
                    }

                    break;
            }
        }
    }

    public static string Encode(string? text)
    {
        var html = new StringBuilder(text?.Length ?? 0);
        Encode(html, text);
        return html.ToString();
    }

    /// <summary>A JSON Pointer (RFC 6901) segment: <c>~</c> → <c>~0</c>, <c>/</c> → <c>~1</c>.</summary>
    public static string PointerSegment(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
