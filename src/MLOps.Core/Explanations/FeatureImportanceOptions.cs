namespace MLOps;

/// <summary>
/// How <see cref="PermutationFeatureImportance.Compute{TIn, TOut}(InferenceModel, IReadOnlyList{TIn}, FeatureImportanceOptions)"/>
/// measures the importance of each feature of any model (ML.NET, ONNX or a custom runtime).
/// </summary>
public sealed class FeatureImportanceOptions
{
    /// <summary>The default <see cref="Metric"/>: <c>r2</c>.</summary>
    public const string DefaultMetric = "r2";

    /// <summary>The default <see cref="PredictionColumn"/>: <c>Score</c>.</summary>
    public const string DefaultPredictionColumn = "Score";

    /// <summary>The default <see cref="PermutationCount"/>: 5.</summary>
    public const int DefaultPermutationCount = 5;

    /// <summary>The most permutations per feature: 100.</summary>
    public const int MaxPermutationCount = 100;

    /// <summary>Gets or sets the input member (property or field, by name or <c>[ColumnName]</c>) that holds the true label.</summary>
    /// <value>The default value is <c>Label</c>.</value>
    public string LabelColumn { get; set; } = "Label";

    /// <summary>
    /// Gets or sets the output member compared with the label: the score of a regression, the predicted label of a
    /// classification (<c>PredictedLabel</c>).
    /// </summary>
    /// <value>The default value is <c>Score</c>.</value>
    public string PredictionColumn { get; set; } = DefaultPredictionColumn;

    /// <summary>
    /// Gets or sets the metric whose loss is the importance: <c>r2</c> (regression), <c>accuracy</c> (binary) or
    /// <c>micro_accuracy</c> (multiclass; the share of rows whose prediction equals the label, like <c>accuracy</c>).
    /// </summary>
    /// <value>The default value is <c>r2</c>.</value>
    public string Metric { get; set; } = DefaultMetric;

    /// <summary>Gets or sets how many times each feature is shuffled (1 to <see cref="MaxPermutationCount"/>); the mean and standard deviation are over these.</summary>
    /// <value>The default value is 5.</value>
    public int PermutationCount { get; set; } = DefaultPermutationCount;

    /// <summary>Gets or sets the seed of the shuffles: the same seed, rows and model give the same importances.</summary>
    /// <value>The default value is 0.</value>
    public int Seed { get; set; }

    /// <summary>
    /// Gets or sets the input members to measure, or <see langword="null"/> for every public read-write property and field
    /// of the input type except the label.
    /// </summary>
    public IReadOnlyList<string>? Features { get; set; }
}
