namespace MLOps;

/// <summary>What a model predicts, which decides how <see cref="ModelTrainingRunner"/> evaluates it on the hold-out.</summary>
public enum ModelTrainingTask
{
    /// <summary>A number: metrics <c>r2</c>, <c>rmse</c>, <c>mae</c>.</summary>
    Regression = 0,

    /// <summary>Yes or no: metrics <c>accuracy</c>, <c>precision</c>, <c>recall</c>, <c>f1</c>, <c>roc_auc</c> (of the positive class).</summary>
    BinaryClassification = 1,

    /// <summary>One of several classes: metrics <c>micro_accuracy</c>, <c>macro_accuracy</c>, <c>log_loss</c>.</summary>
    MulticlassClassification = 2,
}
