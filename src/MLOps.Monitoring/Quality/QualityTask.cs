namespace MLOps.Monitoring.Quality;

/// <summary>The kind of model whose quality is monitored; decides the metrics and the accepted ground truth.</summary>
public enum QualityTask
{
    /// <summary>Regression: <c>r2</c>, <c>rmse</c>, <c>mae</c>, <c>mape</c>; ground truth is a number.</summary>
    Regression,

    /// <summary>Binary classification: <c>accuracy</c>, <c>precision</c>, <c>recall</c>, <c>f1</c>, and with a probability <c>roc_auc</c>, <c>log_loss</c>; ground truth is a boolean.</summary>
    BinaryClassification,

    /// <summary>Multiclass classification: <c>accuracy</c>, <c>macro_f1</c>, <c>micro_f1</c>; ground truth is a class label.</summary>
    MulticlassClassification,
}
