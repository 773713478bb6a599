using Microsoft.ML;

namespace MLOps.Monitoring.Retraining;

/// <summary>What a <see cref="IModelTrainer{TIn}"/> trains on.</summary>
/// <param name="MLContext">The ML.NET context (seeded with the policy's seed).</param>
/// <param name="TrainingData">The training split (the hold-out split is kept back for evaluation).</param>
/// <param name="Trigger">Why this retrain runs.</param>
public sealed record ModelTrainingContext(MLContext MLContext, IDataView TrainingData, RetrainTrigger Trigger);
