using Microsoft.ML;

namespace MLOps.Internal;

/// <summary>The kind of model a training evaluation scores.</summary>
internal enum TrainingEvaluationTask
{
    Regression,
    Binary,
    Multiclass,
}

/// <summary>
/// The one evaluation of a trained model on its hold-out, used by <c>ModelTrainingRunner</c> and the retrainer, with the
/// one table of metric names (docs/training-metrics.md): regression <c>r2</c>, <c>mae</c>, <c>mse</c>, <c>rmse</c>;
/// binary <c>accuracy</c>, <c>precision</c>, <c>recall</c>, <c>f1</c>, <c>roc_auc</c>, <c>log_loss</c> (calibrated
/// models only); multiclass <c>micro_accuracy</c>, <c>macro_accuracy</c>, <c>log_loss</c>. For multiclass,
/// <c>accuracy</c> is accepted as an alias of <c>micro_accuracy</c> (the retrainer's name before the two were merged).
/// </summary>
internal static class TrainingEvaluation
{
    public const string MulticlassAccuracyAlias = "accuracy";

    private static readonly string[] RegressionNames = ["r2", "mae", "mse", "rmse"];
    private static readonly string[] BinaryNames = ["accuracy", "precision", "recall", "f1", "roc_auc", "log_loss"];
    private static readonly string[] MulticlassNames = ["micro_accuracy", "macro_accuracy", "log_loss"];

    public static IReadOnlyList<string> Names(TrainingEvaluationTask task) => task switch
    {
        TrainingEvaluationTask.Regression => RegressionNames,
        TrainingEvaluationTask.Binary => BinaryNames,
        _ => MulticlassNames,
    };

    /// <summary>Returns the table's name for <paramref name="metric"/> (resolving the alias), or <see langword="null"/> when the task has no such metric.</summary>
    public static string? Canonical(TrainingEvaluationTask task, string metric) =>
        task == TrainingEvaluationTask.Multiclass && metric == MulticlassAccuracyAlias ? "micro_accuracy"
        : Names(task).Contains(metric, StringComparer.Ordinal) ? metric : null;

    /// <summary>
    /// Looks <paramref name="metric"/> up in a version's metrics, falling back across the alias pair <c>accuracy</c> /
    /// <c>micro_accuracy</c> (a binary model never has <c>micro_accuracy</c>, so the fallback only ever finds a multiclass one).
    /// </summary>
    public static bool TryGetMetric(IReadOnlyDictionary<string, double> metrics, string metric, out double value) =>
        metrics.TryGetValue(metric, out value)
        || (metric == MulticlassAccuracyAlias && metrics.TryGetValue("micro_accuracy", out value))
        || (metric == "micro_accuracy" && metrics.TryGetValue(MulticlassAccuracyAlias, out value));

    /// <summary>Whether a lower value of <paramref name="metric"/> is better (the error metrics).</summary>
    public static bool LowerIsBetter(string metric) => metric is "mae" or "mse" or "rmse" or "log_loss";

    /// <summary>Evaluates the scored hold-out; every metric of the task's row of the table (<c>log_loss</c> of a binary model only when it is calibrated).</summary>
    public static Dictionary<string, double> Evaluate(
        MLContext ml, TrainingEvaluationTask task, IDataView scored, string labelColumn, string scoreColumn = "Score")
    {
        switch (task)
        {
            case TrainingEvaluationTask.Regression:
                Microsoft.ML.Data.RegressionMetrics r = ml.Regression.Evaluate(scored, labelColumn, scoreColumn);
                return new(StringComparer.Ordinal)
                {
                    ["r2"] = r.RSquared, ["mae"] = r.MeanAbsoluteError, ["mse"] = r.MeanSquaredError, ["rmse"] = r.RootMeanSquaredError,
                };
            case TrainingEvaluationTask.Binary:
                Microsoft.ML.Data.BinaryClassificationMetrics b = scored.Schema.GetColumnOrNull("Probability") is null
                    ? ml.BinaryClassification.EvaluateNonCalibrated(scored, labelColumn)
                    : ml.BinaryClassification.Evaluate(scored, labelColumn);
                var binary = new Dictionary<string, double>(StringComparer.Ordinal)
                {
                    ["accuracy"] = b.Accuracy, ["precision"] = b.PositivePrecision, ["recall"] = b.PositiveRecall,
                    ["f1"] = b.F1Score, ["roc_auc"] = b.AreaUnderRocCurve,
                };
                if (b is Microsoft.ML.Data.CalibratedBinaryClassificationMetrics c)
                {
                    binary["log_loss"] = c.LogLoss;
                }

                return binary;
            default:
                Microsoft.ML.Data.MulticlassClassificationMetrics m = ml.MulticlassClassification.Evaluate(scored, labelColumn);
                return new(StringComparer.Ordinal)
                {
                    ["micro_accuracy"] = m.MicroAccuracy, ["macro_accuracy"] = m.MacroAccuracy, ["log_loss"] = m.LogLoss,
                };
        }
    }
}
