namespace MLOps.Monitoring.Quality;

/// <summary>
/// The metric names used as keys of <see cref="QualityWindow.Metrics"/> and as the <c>mlops.metric.name</c> tag of
/// <c>mlops.model.quality</c>.
/// </summary>
public static class QualityMetricNames
{
    /// <summary>Coefficient of determination (higher is better).</summary>
    public const string R2 = "r2";

    /// <summary>Root mean squared error (lower is better).</summary>
    public const string Rmse = "rmse";

    /// <summary>Mean absolute error (lower is better).</summary>
    public const string Mae = "mae";

    /// <summary>Mean absolute percentage error, as a fraction (lower is better).</summary>
    public const string Mape = "mape";

    /// <summary>Accuracy (higher is better).</summary>
    public const string Accuracy = "accuracy";

    /// <summary>Precision of the positive class (higher is better).</summary>
    public const string Precision = "precision";

    /// <summary>Recall of the positive class (higher is better).</summary>
    public const string Recall = "recall";

    /// <summary>F1 score of the positive class (higher is better).</summary>
    public const string F1 = "f1";

    /// <summary>Area under the ROC curve (higher is better).</summary>
    public const string RocAuc = "roc_auc";

    /// <summary>Binary cross-entropy (lower is better).</summary>
    public const string LogLoss = "log_loss";

    /// <summary>Macro-averaged F1 (higher is better).</summary>
    public const string MacroF1 = "macro_f1";

    /// <summary>Micro-averaged F1 (higher is better).</summary>
    public const string MicroF1 = "micro_f1";

    /// <summary>Returns whether a lower value of the metric is better (the error metrics <c>rmse</c>, <c>mae</c>, <c>mape</c>, <c>log_loss</c>).</summary>
    /// <param name="metricName">The metric name.</param>
    /// <returns><see langword="true"/> for an error metric.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="metricName"/> is <see langword="null"/>.</exception>
    public static bool IsLowerBetter(string metricName)
    {
        ArgumentNullException.ThrowIfNull(metricName);
        return metricName is Rmse or Mae or Mape or LogLoss;
    }
}
