using System.Globalization;

namespace MLOps.Monitoring.Reports.Internal;

/// <summary>
/// Inline SVG charts (no script, no external resource): grouped bars of two share series, and lines over windows. Each
/// chart is an <c>&lt;svg role="img"&gt;</c> with a <c>&lt;title&gt;</c>; the caller writes the table of its numbers next to it.
/// </summary>
internal static class SvgChart
{
    /// <summary>The most series a line chart draws (one colour each).</summary>
    public const int MaxSeries = 8;

    private const double Width = 640, Height = 250, Left = 56, Right = 12, Top = 28, Bottom = 56;
    private const int MaxLabelLength = 14;

    /// <summary>Reference and current share per bin or category, side by side.</summary>
    public static void Bars(HtmlWriter w, string id, string title, IReadOnlyList<string> labels, IReadOnlyList<double> reference, IReadOnlyList<double> current)
    {
        int n = labels.Count;
        double top = NiceCeiling(Math.Max(Max(reference), Max(current)));
        Begin(w, id, title);
        Axis(w, 0, top, percent: true);
        double plotWidth = Width - Left - Right, plotHeight = Height - Top - Bottom;
        double group = plotWidth / Math.Max(1, n), bar = group * 0.4;
        int every = n <= 24 ? 1 : (n + 11) / 12;
        for (int i = 0; i < n; i++)
        {
            double x = Left + (i * group) + (group * 0.1);
            BarRect(w, "ref", x, bar, reference[i] / top * plotHeight, $"{labels[i]}: reference {Percent(reference[i])}");
            BarRect(w, "cur", x + bar, bar, current[i] / top * plotHeight, $"{labels[i]}: current {Percent(current[i])}");
            if (i % every == 0)
            {
                XLabel(w, x + bar, labels[i], rotate: n > 8);
            }
        }

        Legend(w, [("ref", "Reference"), ("cur", "Current")]);
        w.Close("svg");
    }

    /// <summary>
    /// One bar per feature from 0 to its mean importance (below the axis when negative), with a whisker of ± its
    /// standard deviation.
    /// </summary>
    public static void Importance(HtmlWriter w, string id, string title, IReadOnlyList<string> labels, IReadOnlyList<double> means, IReadOnlyList<double> stdDevs)
    {
        int n = labels.Count;
        double[] ends = [.. means.Select((m, i) => m + stdDevs[i]), .. means.Select((m, i) => m - stdDevs[i]), 0];
        (double low, double high) = NiceRange(ends.Min(), ends.Max());
        Begin(w, id, title);
        Axis(w, low, high, percent: false);
        double plotWidth = Width - Left - Right, plotHeight = Height - Top - Bottom;
        double Y(double v) => Top + plotHeight - ((v - low) / (high - low) * plotHeight);
        double group = plotWidth / Math.Max(1, n), bar = group * 0.6;
        int every = n <= 24 ? 1 : (n + 11) / 12;
        for (int i = 0; i < n; i++)
        {
            double x = Left + (i * group) + (group * 0.2);
            double top = Y(Math.Max(0, means[i])), bottom = Y(Math.Min(0, means[i]));
            string tip = string.Create(CultureInfo.InvariantCulture, $"{labels[i]}: {Math.Round(means[i], 6)} ± {Math.Round(stdDevs[i], 6)}");
            w.Open("rect", ("class", "cur"), ("x", Coordinate(x)), ("y", Coordinate(top)), ("width", Coordinate(bar)), ("height", Coordinate(bottom - top)))
                .Element("title", tip)
                .Close("rect");
            if (stdDevs[i] > 0)
            {
                double center = x + (bar / 2);
                w.Open("line", ("class", "whisker"), ("x1", Coordinate(center)), ("x2", Coordinate(center)), ("y1", Coordinate(Y(means[i] - stdDevs[i]))), ("y2", Coordinate(Y(means[i] + stdDevs[i]))))
                    .Close("line");
            }

            if (i % every == 0)
            {
                XLabel(w, x + (bar / 2), labels[i], rotate: n > 8);
            }
        }

        w.Open("line", ("class", "zero"), ("x1", Coordinate(Left)), ("x2", Coordinate(Width - Right)), ("y1", Coordinate(Y(0))), ("y2", Coordinate(Y(0)))).Close("line");
        w.Close("svg");
    }

    /// <summary>
    /// One line per series over the x positions; a <see langword="null"/> value leaves a gap, or with
    /// <paramref name="joinGaps"/> the line goes on to the series' next value (when the series share one time axis and
    /// each has values at its own positions only).
    /// </summary>
    public static void Lines(HtmlWriter w, string id, string title, IReadOnlyList<string> positions, IReadOnlyList<(string Name, double?[] Values)> series, bool joinGaps = false)
    {
        double[] values = [.. series.SelectMany(s => s.Values).OfType<double>()];
        (double low, double high) = NiceRange(values.Length == 0 ? 0 : values.Min(), values.Length == 0 ? 1 : values.Max());
        Begin(w, id, title);
        Axis(w, low, high, percent: false);
        double plotWidth = Width - Left - Right, plotHeight = Height - Top - Bottom;
        int n = positions.Count;
        double step = plotWidth / Math.Max(1, n);
        double X(int i) => Left + (step * (i + 0.5));
        double Y(double v) => Top + plotHeight - ((v - low) / (high - low) * plotHeight);
        int every = n <= 12 ? 1 : (n + 11) / 12;
        for (int i = 0; i < n; i += every)
        {
            XLabel(w, X(i), positions[i], rotate: n > 8);
        }

        for (int s = 0; s < series.Count && s < MaxSeries; s++)
        {
            string css = "s" + s.ToString(CultureInfo.InvariantCulture);
            double?[] points = series[s].Values;
            var path = new List<string>();
            for (int i = 0; i < points.Length; i++)
            {
                if (points[i] is { } v)
                {
                    path.Add(Coordinate(X(i)) + "," + Coordinate(Y(v)));
                }

                if (((points[i] is null && !joinGaps) || i == points.Length - 1) && path.Count > 0)
                {
                    w.Open("polyline", ("class", "line " + css), ("points", string.Join(' ', path))).Close("polyline");
                    path.Clear();
                }
            }

            for (int i = 0; i < points.Length; i++)
            {
                if (points[i] is { } v)
                {
                    w.Open("circle", ("class", "dot " + css), ("cx", Coordinate(X(i))), ("cy", Coordinate(Y(v))), ("r", "3.5"))
                        .Element("title", $"{series[s].Name}, {positions[i]}: {ReportFormat.Number(v)}")
                        .Close("circle");
                }
            }
        }

        Legend(w, [.. series.Take(MaxSeries).Select((s, i) => ("s" + i.ToString(CultureInfo.InvariantCulture), s.Name))]);
        w.Close("svg");
    }

    private static void Begin(HtmlWriter w, string id, string title) =>
        w.Open(
                "svg",
                ("class", "chart"),
                ("role", "img"),
                ("aria-labelledby", id),
                ("viewBox", $"0 0 {Coordinate(Width)} {Coordinate(Height)}"))
            .Element("title", title, ("id", id));

    private static void Axis(HtmlWriter w, double low, double high, bool percent)
    {
        double plotHeight = Height - Top - Bottom;
        for (int k = 0; k <= 4; k++)
        {
            double value = low + ((high - low) * k / 4);
            double y = Top + plotHeight - (plotHeight * k / 4);
            w.Open("line", ("class", "grid"), ("x1", Coordinate(Left)), ("x2", Coordinate(Width - Right)), ("y1", Coordinate(y)), ("y2", Coordinate(y))).Close("line");
            w.Element("text", percent ? Percent(value) : Math.Round(value, 12).ToString("G4", CultureInfo.InvariantCulture), ("class", "tick"), ("x", Coordinate(Left - 4)), ("y", Coordinate(y + 3)));
        }
    }

    private static void BarRect(HtmlWriter w, string css, double x, double width, double height, string tooltip)
    {
        double y = Top + (Height - Top - Bottom) - height;
        w.Open("rect", ("class", css), ("x", Coordinate(x)), ("y", Coordinate(y)), ("width", Coordinate(width)), ("height", Coordinate(height)))
            .Element("title", tooltip)
            .Close("rect");
    }

    private static void XLabel(HtmlWriter w, double x, string label, bool rotate)
    {
        string text = label.Length > MaxLabelLength ? string.Concat(label.AsSpan(0, MaxLabelLength - 1), "…") : label;
        double y = Height - Bottom + 14;
        w.Element(
            "text",
            text,
            ("class", rotate ? "xlabel" : "xlabel flat"),
            ("x", Coordinate(x)),
            ("y", Coordinate(y)),
            ("transform", rotate ? $"rotate(-30 {Coordinate(x)} {Coordinate(y)})" : null));
    }

    private static void Legend(HtmlWriter w, IReadOnlyList<(string Css, string Name)> entries)
    {
        double x = Left;
        foreach ((string css, string name) in entries)
        {
            string text = name.Length > 24 ? string.Concat(name.AsSpan(0, 23), "…") : name;
            w.Open("rect", ("class", css), ("x", Coordinate(x)), ("y", "8"), ("width", "10"), ("height", "10")).Close("rect");
            w.Element("text", text, ("class", "legend"), ("x", Coordinate(x + 14)), ("y", "17"));
            x += 24 + (text.Length * 6.5);
        }
    }

    private static double Max(IReadOnlyList<double> values)
    {
        double max = 0;
        foreach (double v in values)
        {
            max = Math.Max(max, v);
        }

        return max;
    }

    /// <summary>An axis range with four round steps that holds [low, high], starting at 0 when the values are not negative and near it.</summary>
    private static (double Low, double High) NiceRange(double low, double high)
    {
        if (high - low < 1e-12 * Math.Max(1, Math.Abs(high)))
        {
            double half = Math.Abs(high) > 0 ? Math.Abs(high) * 0.1 : 0.5;
            (low, high) = (high - half, high + half);
        }

        if (low >= 0 && low < (high - low) * 0.5)
        {
            low = 0;
        }

        double step = NiceCeiling((high - low) / 4);
        double start = Math.Floor(low / step) * step;
        while (start + (4 * step) < high)
        {
            step = NiceCeiling(step * 1.01);
            start = Math.Floor(low / step) * step;
        }

        return (start, start + (4 * step));
    }

    /// <summary>The smallest of 1, 2, 2.5, 5 × 10^k at or above the value (a round top for the axis); 1 for 0.</summary>
    private static double NiceCeiling(double value)
    {
        if (!(value > 0))
        {
            return 1;
        }

        double scale = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (double m in (ReadOnlySpan<double>)[1, 2, 2.5, 5, 10])
        {
            if (m * scale >= value)
            {
                return m * scale;
            }
        }

        return 10 * scale;
    }

    private static string Percent(double share) => (share * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    private static string Coordinate(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
