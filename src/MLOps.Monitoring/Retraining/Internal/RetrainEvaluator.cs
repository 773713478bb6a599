using Microsoft.ML;

namespace MLOps.Monitoring.Retraining.Internal;

/// <summary>
/// Evaluates a model on the hold-out split with ML.NET's evaluators and names the metrics like the quality monitor
/// (<c>r2</c>, <c>rmse</c>, <c>accuracy</c>, …), so a policy compares on the same names it triggers on.
/// </summary>
internal sealed class RetrainEvaluator
{
    private static readonly HashSet<string> LowerIsBetter = new(StringComparer.Ordinal) { "rmse", "mae", "mse", "log_loss" };

    private RetrainEvaluator(string task, string metric, string labelColumn, string scoreColumn, string[] metrics)
    {
        Task = task;
        Metric = metric;
        LabelColumn = labelColumn;
        ScoreColumn = scoreColumn;
        if (!metrics.Contains(metric, StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"'{metric}' is not a {task} metric; use one of: {string.Join(", ", metrics)}.", nameof(metric));
        }
    }

    public string Task { get; }

    /// <summary>Gets the metric that decides between candidate and champion.</summary>
    public string Metric { get; }

    public bool HigherIsBetter => !LowerIsBetter.Contains(Metric);

    public string LabelColumn { get; }

    public string ScoreColumn { get; }

    public static RetrainEvaluator Regression(string metric, string labelColumn, string scoreColumn) =>
        new("regression", metric, labelColumn, scoreColumn, ["r2", "rmse", "mae", "mse"]);

    public static RetrainEvaluator Binary(string metric, string labelColumn) =>
        new("binary", metric, labelColumn, "Score", ["accuracy", "precision", "recall", "f1", "roc_auc", "log_loss"]);

    public static RetrainEvaluator Multiclass(string metric, string labelColumn) =>
        new("multiclass", metric, labelColumn, "Score", ["accuracy", "macro_accuracy", "log_loss"]);

    /// <summary>Whether <paramref name="candidate"/> beats <paramref name="champion"/> by at least <paramref name="margin"/>.</summary>
    public bool Beats(double candidate, double champion, double margin) =>
        !double.IsNaN(candidate) && (double.IsNaN(champion) ||
            (HigherIsBetter ? candidate >= champion + margin : candidate <= champion - margin));

    public Dictionary<string, double> Evaluate(MLContext ml, ITransformer model, IDataView holdOut)
    {
        IDataView scored = model.Transform(holdOut);
        switch (Task)
        {
            case "regression":
                var r = ml.Regression.Evaluate(scored, LabelColumn, ScoreColumn);
                return new(StringComparer.Ordinal)
                {
                    ["r2"] = r.RSquared, ["rmse"] = r.RootMeanSquaredError, ["mae"] = r.MeanAbsoluteError, ["mse"] = r.MeanSquaredError,
                };
            case "binary":
                bool calibrated = scored.Schema.GetColumnOrNull("Probability") is not null;
                var b = calibrated
                    ? ml.BinaryClassification.Evaluate(scored, LabelColumn)
                    : ml.BinaryClassification.EvaluateNonCalibrated(scored, LabelColumn);
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
                var m = ml.MulticlassClassification.Evaluate(scored, LabelColumn);
                return new(StringComparer.Ordinal)
                {
                    ["accuracy"] = m.MicroAccuracy, ["macro_accuracy"] = m.MacroAccuracy, ["log_loss"] = m.LogLoss,
                };
        }
    }
}
