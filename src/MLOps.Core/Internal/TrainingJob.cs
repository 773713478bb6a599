using Microsoft.ML;

namespace MLOps.Internal;

/// <summary>
/// One job of the <see cref="TrainingPipeline"/>: the data, how to fit and evaluate, and what to record. Built by
/// <c>ModelTrainingRunner</c> (from a <c>ModelTrainingRequest</c>) and by the retrainer (from a retrain policy).
/// </summary>
internal sealed class TrainingJob
{
    public required ModelName ModelName { get; init; }

    /// <summary>Gets the seeded ML.NET context that splits, evaluates and saves.</summary>
    public required MLContext MLContext { get; init; }

    /// <summary>Gets all the data, before the split (digested whole).</summary>
    public required IDataView Data { get; init; }

    public required TrainingEvaluationTask Task { get; init; }

    public required string LabelColumn { get; init; }

    public string ScoreColumn { get; init; } = "Score";

    public required double HoldOutFraction { get; init; }

    public required int Seed { get; init; }

    /// <summary>
    /// Gets how many permutations per feature ML.NET's permutation feature importance runs on the hold-out before
    /// registration (seeded by the job's context), or 0 (the default) to skip it.
    /// </summary>
    public int FeatureImportancePermutations { get; init; }

    /// <summary>Fits a model on the training split; runs on the thread pool, may throw (the job then fails).</summary>
    public required Func<IDataView, CancellationToken, Task<ITransformer>> Fit { get; init; }

    /// <summary>
    /// Gets how the fitted model is stored: called with what <see cref="Fit"/> returned, it returns the artifact to log and
    /// register; <see langword="null"/> (or a call returning <see langword="null"/>) saves the ML.NET zip. The retrainer
    /// sets it for a trainer that produces another format (an ONNX graph), whose <see cref="Fit"/> returns a scorer over it.
    /// </summary>
    public Func<ITransformer, TrainedArtifact?>? Artifact { get; init; }

    /// <summary>
    /// Called with the evaluated candidate before it is registered: may add tags (to the run and the version) and name
    /// the parent version, or throw to fail the job (nothing is registered). <see langword="null"/> for none.
    /// </summary>
    public Func<TrainingCandidate, CancellationToken, Task<TrainingAdditions>>? BeforeRegister { get; init; }

    /// <summary>Called with the run id as soon as the run started (so a caller knows it even when the job fails), or <see langword="null"/>.</summary>
    public Action<string>? RunStarted { get; init; }

    /// <summary>Gets the experiment; <see langword="null"/> uses the model name.</summary>
    public string? ExperimentName { get; init; }

    public string? RunName { get; init; }

    /// <summary>Gets the caller's parameters (not one of <see cref="TrainingPipeline.ReservedParams"/>), or <see langword="null"/>.</summary>
    public IReadOnlyDictionary<string, string>? Params { get; init; }

    /// <summary>Gets tags for the run and the version, or <see langword="null"/>.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    public required string DatasetName { get; init; }

    public string? DatasetSource { get; init; }

    public ModelVersion? ParentVersion { get; init; }

    /// <summary>Gets an alias whose holder is the parent when neither <see cref="ParentVersion"/> nor the additions name one.</summary>
    public ModelAlias? ParentAlias { get; init; }

    public required string Trigger { get; init; }

    public string? Reason { get; init; }

    public string? Description { get; init; }

    public string? Actor { get; init; }
}
