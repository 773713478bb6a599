namespace MLOps.Internal.Rollouts;

/// <summary>The variants a rollout's candidate reports (the primary reports the builder's variant, <c>primary</c> by default).</summary>
internal static class ModelRuntimeVariants
{
    /// <summary>The candidate of a canary, blue-green or experiment rollout: it answers callers.</summary>
    public const string Candidate = "candidate";

    /// <summary>The candidate of a shadow rollout: it predicts mirrored requests and never answers a caller.</summary>
    public const string Shadow = "shadow";
}
