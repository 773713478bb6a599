using MLOps.Internal.Rollouts;

namespace MLOps.Internal;

/// <summary>The type-erased view of a served model that the catalog, the hosted service and the gauge use.</summary>
internal interface IModelRuntime
{
    ModelName Name { get; }

    string Variant { get; }

    Task StartAsync(CancellationToken cancellationToken);

    Task<bool> ReloadAsync(CancellationToken cancellationToken);

    ServedModel Describe();

    /// <summary>Gets whether the model follows its registry alias's rollouts.</summary>
    bool FollowsRollouts { get; }

    /// <summary>Describes the candidate of the active rollout, or returns <see langword="null"/> when there is none.</summary>
    CandidateState? DescribeCandidate();
}
