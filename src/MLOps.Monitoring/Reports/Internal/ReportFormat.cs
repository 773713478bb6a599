using System.Globalization;

namespace MLOps.Monitoring.Reports.Internal;

/// <summary>How the reports write numbers and times: invariant culture, 6 significant digits, UTC.</summary>
internal static class ReportFormat
{
    /// <summary>The precision statement printed in every report.</summary>
    public const string Precision = "Numbers are rounded to 6 significant digits (invariant culture; the JSON holds the full values); times are UTC.";

    /// <summary>What a number that has no value (not evaluated, NaN, or absent) shows.</summary>
    public const string NoValue = "–";

    public static string Number(double? value) => value switch
    {
        null => NoValue,
        double v when double.IsNaN(v) => NoValue,
        double.PositiveInfinity => "∞",
        double.NegativeInfinity => "−∞",
        double v => v.ToString("G6", CultureInfo.InvariantCulture),
    };

    public static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Boolean(bool value) => value ? "yes" : "no";

    public static string Time(DateTimeOffset? value) =>
        value is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : NoValue;

    /// <summary>The machine-readable form for <c>&lt;time datetime&gt;</c>.</summary>
    public static string? IsoTime(DateTimeOffset? value) =>
        value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
