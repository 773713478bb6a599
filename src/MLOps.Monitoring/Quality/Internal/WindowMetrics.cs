using System.Collections.ObjectModel;

namespace MLOps.Monitoring.Quality.Internal;

/// <summary>Computes the metrics of a window (and of its segments) from its labelled pairs.</summary>
internal static class WindowMetrics
{
    /// <summary>The reason of a metric whose computed value is NaN or infinite (tag value <c>not_finite</c>).</summary>
    public const string NotFinite = "not finite: the computed value overflowed";

    /// <summary>The reason of <c>r2</c> for a window of one pair.</summary>
    public const string R2SinglePair = "undefined for a single labelled prediction";

    /// <summary>The reason of <c>r2</c> when every actual value is the same.</summary>
    public const string R2ConstantActual = "undefined: the actual values have zero variance (all the same)";

    /// <summary>The reason of <c>roc_auc</c> when only one class is present.</summary>
    public const string RocAucOneClass = "undefined: only one class is present in the actual labels";

    private static readonly ReadOnlyDictionary<string, double> NoRatios = new(new Dictionary<string, double>());
    private static readonly ReadOnlyDictionary<string, string> NoUndefined = new(new Dictionary<string, string>());

    /// <summary>The <c>mlops.reason</c> tag value of a reason of <see cref="Compute"/>.</summary>
    public static string ReasonTag(string reason) => ReferenceEquals(reason, NotFinite) ? "not_finite" : "undefined";

    /// <summary>
    /// Computes the metrics of the pairs. Only finite values are returned; a metric that cannot be computed is listed
    /// in <paramref name="undefined"/> with the reason instead.
    /// </summary>
    public static Dictionary<string, double> Compute(QualityTask task, bool hasScore, ReadOnlySpan<WindowPair> pairs, Dictionary<string, string> undefined)
    {
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        if (pairs.IsEmpty)
        {
            return metrics;
        }

        switch (task)
        {
            case QualityTask.Regression:
            {
                double[] actual = new double[pairs.Length], predicted = new double[pairs.Length];
                for (int i = 0; i < pairs.Length; i++)
                {
                    actual[i] = pairs[i].Actual;
                    predicted[i] = pairs[i].Predicted;
                }

                // scikit-learn's force_finite answers 1 or 0 for a constant target; a monitor says it cannot tell.
                if (actual.Length < 2)
                {
                    undefined[QualityMetricNames.R2] = R2SinglePair;
                }
                else if (HasZeroVariance(actual))
                {
                    undefined[QualityMetricNames.R2] = R2ConstantActual;
                }
                else
                {
                    Add(metrics, undefined, QualityMetricNames.R2, QualityMetrics.R2Score(actual, predicted));
                }

                Add(metrics, undefined, QualityMetricNames.Rmse, QualityMetrics.RootMeanSquaredError(actual, predicted));
                Add(metrics, undefined, QualityMetricNames.Mae, QualityMetrics.MeanAbsoluteError(actual, predicted));
                Add(metrics, undefined, QualityMetricNames.Mape, QualityMetrics.MeanAbsolutePercentageError(actual, predicted));
                break;
            }

            case QualityTask.BinaryClassification:
            {
                bool[] actual = new bool[pairs.Length], predicted = new bool[pairs.Length];
                double[] scores = new double[pairs.Length];
                for (int i = 0; i < pairs.Length; i++)
                {
                    actual[i] = pairs[i].Actual != 0;
                    predicted[i] = pairs[i].Predicted != 0;
                    scores[i] = pairs[i].Score;
                }

                Add(metrics, undefined, QualityMetricNames.Accuracy, QualityMetrics.Accuracy(actual, predicted));
                Add(metrics, undefined, QualityMetricNames.Precision, QualityMetrics.Precision(actual, predicted));
                Add(metrics, undefined, QualityMetricNames.Recall, QualityMetrics.Recall(actual, predicted));
                Add(metrics, undefined, QualityMetricNames.F1, QualityMetrics.F1Score(actual, predicted));
                if (hasScore)
                {
                    if (QualityMetrics.HasBothClasses(actual))
                    {
                        Add(metrics, undefined, QualityMetricNames.RocAuc, QualityMetrics.RocAucCore(actual, scores));
                    }
                    else
                    {
                        undefined[QualityMetricNames.RocAuc] = RocAucOneClass;
                    }

                    Add(metrics, undefined, QualityMetricNames.LogLoss, QualityMetrics.LogLoss(actual, scores));
                }

                break;
            }

            case QualityTask.MulticlassClassification:
            {
                string[] actual = new string[pairs.Length], predicted = new string[pairs.Length];
                for (int i = 0; i < pairs.Length; i++)
                {
                    actual[i] = pairs[i].ActualLabel!;
                    predicted[i] = pairs[i].PredictedLabel!;
                }

                Add(metrics, undefined, QualityMetricNames.Accuracy, QualityMetrics.Accuracy<string>(actual, predicted));
                Add(metrics, undefined, QualityMetricNames.MacroF1, MacroF1Ordinal(actual, predicted));
                Add(metrics, undefined, QualityMetricNames.MicroF1, QualityMetrics.MicroF1Score<string>(actual, predicted));
                break;
            }
        }

        return metrics;
    }

    public static (IReadOnlyList<SegmentQuality> Segments, IReadOnlyDictionary<string, double> Ratios) ComputeSegments(
        QualityTask task, bool hasScore, ReadOnlySpan<WindowPair> pairs, int maxSegments, int minimumSegmentSize)
    {
        var groups = new Dictionary<string, List<WindowPair>>(StringComparer.Ordinal);
        foreach (WindowPair pair in pairs)
        {
            string key = pair.Segment ?? SegmentQuality.NoSegment;
            if (!groups.TryGetValue(key, out List<WindowPair>? list))
            {
                groups[key] = list = [];
            }

            list.Add(pair);
        }

        var ordered = groups.OrderByDescending(g => g.Value.Count).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        if (ordered.Count > maxSegments)
        {
            var other = new List<WindowPair>();
            foreach (KeyValuePair<string, List<WindowPair>> g in ordered.Skip(maxSegments - 1))
            {
                other.AddRange(g.Value);
            }

            ordered = [.. ordered.Take(maxSegments - 1), new KeyValuePair<string, List<WindowPair>>(SegmentQuality.OtherSegments, other)];
        }

        var segments = new List<SegmentQuality>(ordered.Count);
        foreach (KeyValuePair<string, List<WindowPair>> g in ordered)
        {
            var undefined = new Dictionary<string, string>(StringComparer.Ordinal);
            var metrics = new ReadOnlyDictionary<string, double>(Compute(task, hasScore, g.Value.ToArray(), undefined));
            segments.Add(new SegmentQuality(g.Key, g.Value.Count, metrics, ReadOnly(undefined)));
        }

        return (segments, Ratios(segments, minimumSegmentSize));
    }

    private static ReadOnlyDictionary<string, double> Ratios(List<SegmentQuality> segments, int minimumSegmentSize)
    {
        var qualifying = segments.Where(s => s.Count >= minimumSegmentSize).ToList();
        if (qualifying.Count < 2)
        {
            return NoRatios;
        }

        var ratios = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string metric in qualifying[0].Metrics.Keys)
        {
            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            int count = 0;
            foreach (SegmentQuality s in qualifying)
            {
                if (s.Metrics.TryGetValue(metric, out double v) && double.IsFinite(v))
                {
                    min = Math.Min(min, v);
                    max = Math.Max(max, v);
                    count++;
                }
            }

            if (count < 2 || min < 0)
            {
                continue;
            }

            ratios[metric] = max == 0 ? 1.0 : min / max;
        }

        return new ReadOnlyDictionary<string, double>(ratios);
    }

    // Labels compared ordinally (culture-independent), sorted ordinally as scikit-learn sorts strings by code point.
    private static double MacroF1Ordinal(string[] actual, string[] predicted) =>
        QualityMetrics.MacroF1Score<OrdinalLabel>(
            Array.ConvertAll(actual, static s => new OrdinalLabel(s)),
            Array.ConvertAll(predicted, static s => new OrdinalLabel(s)));

    /// <summary>Whether the sum of squared deviations that is R²'s denominator is 0 (equal values, or deviations that underflow).</summary>
    private static bool HasZeroVariance(double[] actual)
    {
        double mean = NumPySum.Mean(actual);
        double[] squares = new double[actual.Length];
        for (int i = 0; i < squares.Length; i++)
        {
            double d = actual[i] - mean;
            squares[i] = d * d;
        }

        return NumPySum.Sum(squares) == 0;
    }

    public static IReadOnlyDictionary<string, string> ReadOnly(Dictionary<string, string> undefined) =>
        undefined.Count == 0 ? NoUndefined : new ReadOnlyDictionary<string, string>(undefined);

    private static void Add(Dictionary<string, double> metrics, Dictionary<string, string> undefined, string name, double value)
    {
        if (double.IsFinite(value))
        {
            metrics[name] = value;
        }
        else
        {
            undefined[name] = NotFinite;
        }
    }

    private readonly record struct OrdinalLabel(string Value) : IComparable<OrdinalLabel>
    {
        public int CompareTo(OrdinalLabel other) => string.CompareOrdinal(Value, other.Value);
    }
}
