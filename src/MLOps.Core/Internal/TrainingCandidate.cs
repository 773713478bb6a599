using Microsoft.ML;

namespace MLOps.Internal;

/// <summary>A fitted and evaluated model, before registration.</summary>
/// <param name="MLContext">The job's context.</param>
/// <param name="Model">The fitted model.</param>
/// <param name="TestSet">The hold-out it was evaluated on.</param>
/// <param name="Metrics">Its finite hold-out metrics.</param>
/// <param name="RunId">The tracked run, or <see langword="null"/> without a tracker.</param>
internal sealed record TrainingCandidate(MLContext MLContext, ITransformer Model, IDataView TestSet, IReadOnlyDictionary<string, double> Metrics, string? RunId);
