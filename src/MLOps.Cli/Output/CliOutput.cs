using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace MLOps.Cli.Output;

/// <summary>Writes results to stdout: JSON for scripts (<c>--json</c>), Spectre tables for people; messages to stderr.</summary>
internal static class CliOutput
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static readonly Lazy<IAnsiConsole> Stdout = new(() =>
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 200;
        }

        return console;
    });

    public static void WriteJson(object value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Json));

    public static void Write(IRenderable renderable) => Stdout.Value.Write(renderable);

    public static void Line(string text) => Stdout.Value.WriteLine(text);

    public static void Markup(string markup) => Stdout.Value.MarkupLine(markup);

    public static void Error(string message) => Console.Error.WriteLine($"mlops: {message}");

    public static Table Table(params string[] headers)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (string header in headers)
        {
            table.AddColumn(new TableColumn(Escape(header)));
        }

        return table;
    }

    public static void AddRow(Table table, params object?[] cells) =>
        table.AddRow([.. cells.Select(c => new Text(Format(c)))]);

    public static string Escape(string text) => Spectre.Console.Markup.Escape(text);

    public static string Format(object? value) => value switch
    {
        null => "-",
        DateTimeOffset t => t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "-",
    };

    /// <summary>Key/value pairs as a two-column grid.</summary>
    public static Grid Details(IEnumerable<(string Key, object? Value)> rows)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        foreach ((string key, object? value) in rows)
        {
            grid.AddRow(new Text(key, new Style(decoration: Decoration.Bold)), new Text(Format(value)));
        }

        return grid;
    }
}
