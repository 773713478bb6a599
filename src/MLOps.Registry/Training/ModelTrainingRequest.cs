using Microsoft.ML;

namespace MLOps;

/// <summary>What <see cref="ModelTrainingRunner"/> trains, how it evaluates it, and how it records and registers it.</summary>
/// <param name="ModelName">The registered model to add a version to.</param>
/// <param name="Pipeline">The ML.NET pipeline (transforms and trainer) fitted on the training part of the data.</param>
/// <param name="TrainingTask">What the model predicts; chooses the evaluator and metrics.</param>
public sealed record ModelTrainingRequest(ModelName ModelName, IEstimator<ITransformer> Pipeline, ModelTrainingTask TrainingTask)
{
    /// <summary>The default <see cref="HoldOutFraction"/>: 0.2.</summary>
    public const double DefaultHoldOutFraction = 0.2;

    /// <summary>The default <see cref="LabelColumnName"/>: <c>Label</c>.</summary>
    public const string DefaultLabelColumnName = "Label";

    /// <summary>The default <see cref="Trigger"/>: <c>manual</c>.</summary>
    public const string DefaultTrigger = "manual";

    /// <summary>Gets the experiment the run is recorded in; <see langword="null"/> uses the model name.</summary>
    public string? ExperimentName { get; init; }

    /// <summary>Gets the run name, or <see langword="null"/>.</summary>
    public string? RunName { get; init; }

    /// <summary>Gets the label column the evaluator reads in the scored hold-out (for multiclass, the key-typed label).</summary>
    /// <value>The default value is <c>Label</c>.</value>
    public string LabelColumnName { get; init; } = DefaultLabelColumnName;

    /// <summary>Gets the share of rows held out for evaluation (more than 0, less than 1).</summary>
    /// <value>The default value is 0.2.</value>
    public double HoldOutFraction { get; init; } = DefaultHoldOutFraction;

    /// <summary>Gets the seed of the split and of the <see cref="MLContext"/> that evaluates.</summary>
    /// <value>The default value is 0.</value>
    public int Seed { get; init; }

    /// <summary>
    /// Gets the trainer options to record as run and version parameters (for example <c>["trees"] = "100"</c>). The names
    /// the runner logs itself (<c>holdout_fraction</c>, <c>seed</c>, <c>task</c>, <c>label_column</c>, <c>dataset_rows</c>,
    /// <c>train_rows</c>, <c>test_rows</c>) are reserved.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Params { get; init; }

    /// <summary>Gets tags for the run and the version, or <see langword="null"/>.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>Gets the dataset name recorded in the run and the lineage; <see langword="null"/> uses <c>&lt;model&gt;-training</c>.</summary>
    public string? DatasetName { get; init; }

    /// <summary>Gets where the data came from (a path, URI or query), or <see langword="null"/>.</summary>
    public string? DatasetSource { get; init; }

    /// <summary>Gets the version this one derives from, or <see langword="null"/> to use <see cref="ParentAlias"/>.</summary>
    public ModelVersion? ParentVersion { get; init; }

    /// <summary>
    /// Gets an alias whose current holder is recorded as the parent version when <see cref="ParentVersion"/> is not set
    /// (for example <c>champion</c>), or <see langword="null"/> for no parent.
    /// </summary>
    public ModelAlias? ParentAlias { get; init; }

    /// <summary>Gets what triggered training, recorded in the lineage and as the run tag <c>mlops.trigger</c>.</summary>
    /// <value>The default value is <c>manual</c>.</value>
    public string Trigger { get; init; } = DefaultTrigger;

    /// <summary>Gets why the model was trained (lineage), or <see langword="null"/>.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets the version description, or <see langword="null"/>.</summary>
    public string? Description { get; init; }

    /// <summary>Gets an alias to promote the new version to after registration (gates apply), or <see langword="null"/>.</summary>
    public ModelAlias? PromoteTo { get; init; }

    /// <summary>Gets the gates the promotion must pass, or <see langword="null"/>.</summary>
    public IReadOnlyList<PromotionGate>? PromotionGates { get; init; }

    /// <summary>
    /// Gets how many times ML.NET's permutation feature importance shuffles each feature of the hold-out before the
    /// version is registered (seeded by <see cref="Seed"/>; stored as <see cref="RegisteredModelVersion.FeatureImportance"/>),
    /// or 0 to skip it. From 0 to <see cref="FeatureImportanceOptions.MaxPermutationCount"/>. A model ML.NET cannot
    /// explain registers without importances (logged, event 527).
    /// </summary>
    /// <value>The default value is 0.</value>
    public int FeatureImportancePermutationCount { get; init; }

    /// <summary>Gets who registers and promotes; <see langword="null"/> uses the registry's default actor.</summary>
    public string? Actor { get; init; }
}
