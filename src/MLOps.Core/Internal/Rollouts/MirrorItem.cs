namespace MLOps.Internal.Rollouts;

/// <summary>A request copied to the candidate: for its shadow prediction, or to warm it up.</summary>
internal readonly record struct MirrorItem<TIn, TOut>(TIn Input, PredictionId PredictionId, CandidateArm<TIn, TOut> Arm, bool IsWarmup)
    where TIn : class
    where TOut : class, new();
