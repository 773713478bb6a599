using System.Collections.Immutable;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLOps.Internal;

/// <summary>
/// ML.NET's own permutation feature importance of a fitted pipeline on its scored hold-out (one entry per slot of the
/// trainer's feature vector, named by its slot names), as <see cref="FeatureImportance"/> of the task's main metric:
/// <c>r2</c>, <c>accuracy</c> or <c>micro_accuracy</c>. ML.NET reports the change (permuted − baseline); an importance is
/// the loss, so the sign is flipped.
/// </summary>
internal static class MLNetFeatureImportance
{
    public static IReadOnlyList<FeatureImportance> Compute(
        MLContext ml, TrainingEvaluationTask task, ITransformer model, IDataView testSet, string labelColumn, int permutationCount)
    {
        IDataView transformed = model.Transform(testSet);
        IEnumerable<FeatureImportance> items;
        switch (task)
        {
            case TrainingEvaluationTask.Regression:
                ImmutableDictionary<string, RegressionMetricsStatistics> r =
                    ml.Regression.PermutationFeatureImportance(model, transformed, labelColumn, permutationCount: permutationCount);
                items = r.Select(p => From(p.Key, "r2", p.Value.RSquared));
                break;
            case TrainingEvaluationTask.Binary:
                // Accuracy reads the predicted label only, so the non-calibrated evaluator serves calibrated models too.
                ImmutableDictionary<string, BinaryClassificationMetricsStatistics> b =
                    ml.BinaryClassification.PermutationFeatureImportanceNonCalibrated(model, transformed, labelColumn, permutationCount: permutationCount);
                items = b.Select(p => From(p.Key, "accuracy", p.Value.Accuracy));
                break;
            default:
                ImmutableDictionary<string, MulticlassClassificationMetricsStatistics> m =
                    ml.MulticlassClassification.PermutationFeatureImportance(model, transformed, labelColumn, permutationCount: permutationCount);
                items = m.Select(p => From(p.Key, "micro_accuracy", p.Value.MicroAccuracy));
                break;
        }

        // A constant slot gives NaN statistics: it carries no information, so it has no measurable importance.
        return [.. items.Where(i => double.IsFinite(i.Mean)).OrderByDescending(i => i.Mean).ThenBy(i => i.Feature, StringComparer.Ordinal)];
    }

    private static FeatureImportance From(string feature, string metric, MetricStatistics statistics) =>
        new(feature, metric, -statistics.Mean, double.IsFinite(statistics.StandardDeviation) ? statistics.StandardDeviation : 0);
}
