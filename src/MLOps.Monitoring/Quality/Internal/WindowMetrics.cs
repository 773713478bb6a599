using System.Collections.ObjectModel;

namespace MLOps.Monitoring.Quality.Internal;

/// <summary>Computes the metrics of a window (and of its segments) from its labelled pairs.</summary>
internal static class WindowMetrics
{
    private static readonly ReadOnlyDictionary<string, double> NoRatios = new(new Dictionary<string, double>());

    public static Dictionary<string, double> Compute(QualityTask task, bool hasScore, ReadOnlySpan<WindowPair> pairs)
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

                AddIfDefined(metrics, QualityMetricNames.R2, QualityMetrics.R2Score(actual, predicted));
                metrics[QualityMetricNames.Rmse] = QualityMetrics.RootMeanSquaredError(actual, predicted);
                metrics[QualityMetricNames.Mae] = QualityMetrics.MeanAbsoluteError(actual, predicted);
                metrics[QualityMetricNames.Mape] = QualityMetrics.MeanAbsolutePercentageError(actual, predicted);
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

                metrics[QualityMetricNames.Accuracy] = QualityMetrics.Accuracy(actual, predicted);
                metrics[QualityMetricNames.Precision] = QualityMetrics.Precision(actual, predicted);
                metrics[QualityMetricNames.Recall] = QualityMetrics.Recall(actual, predicted);
                metrics[QualityMetricNames.F1] = QualityMetrics.F1Score(actual, predicted);
                if (hasScore)
                {
                    if (QualityMetrics.HasBothClasses(actual))
                    {
                        metrics[QualityMetricNames.RocAuc] = QualityMetrics.RocAucCore(actual, scores);
                    }

                    metrics[QualityMetricNames.LogLoss] = QualityMetrics.LogLoss(actual, scores);
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

                metrics[QualityMetricNames.Accuracy] = QualityMetrics.Accuracy<string>(actual, predicted);
                metrics[QualityMetricNames.MacroF1] = MacroF1Ordinal(actual, predicted);
                metrics[QualityMetricNames.MicroF1] = QualityMetrics.MicroF1Score<string>(actual, predicted);
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
            segments.Add(new SegmentQuality(g.Key, g.Value.Count, new ReadOnlyDictionary<string, double>(Compute(task, hasScore, g.Value.ToArray()))));
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

    private static void AddIfDefined(Dictionary<string, double> metrics, string name, double value)
    {
        if (!double.IsNaN(value))
        {
            metrics[name] = value;
        }
    }

    private readonly record struct OrdinalLabel(string Value) : IComparable<OrdinalLabel>
    {
        public int CompareTo(OrdinalLabel other) => string.CompareOrdinal(Value, other.Value);
    }
}
