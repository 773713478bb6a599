namespace MLOps.Internal.Rollouts;

/// <summary>
/// The candidate of the active rollout as the hot path sees it: its loaded version (pooled, retired like the primary's
/// when it is swapped out) and the thresholds, in buckets of <see cref="RolloutBucket"/>, below which a request is routed
/// to it or mirrored to it. Immutable except the warm-up: a new weight publishes a new arm around the same handle.
/// </summary>
internal sealed class CandidateArm<TIn, TOut>
    where TIn : class
    where TOut : class, new()
{
    private readonly int _route;
    private readonly int _mirror;

    public CandidateArm(Rollout rollout, ModelHandle<TIn, TOut> handle, WarmupCounter warmup)
    {
        Rollout = rollout;
        Handle = handle;
        Warmup = warmup;
        Seed = RolloutBucket.Seed(rollout.Id);
        int buckets = Math.Clamp(rollout.CandidateWeight, 0, 100) * (RolloutBucket.Count / 100);
        IsShadow = rollout.Strategy == RolloutStrategy.Shadow;
        _route = IsShadow ? 0 : buckets;
        _mirror = IsShadow ? buckets : 0;
    }

    public Rollout Rollout { get; }

    public ModelHandle<TIn, TOut> Handle { get; }

    public WarmupCounter Warmup { get; }

    public long Seed { get; }

    public bool IsShadow { get; }

    /// <summary>Gets the buckets routed to the candidate: none until it is warm, and none for a shadow.</summary>
    public int RouteThreshold => Warmup.IsWarm ? _route : 0;

    /// <summary>Gets the buckets mirrored to the candidate: all of them while it warms up, then a shadow's share.</summary>
    public int MirrorThreshold => Warmup.IsWarm ? _mirror : RolloutBucket.Count;

    /// <summary>Gets the candidate's effective weight in percent (0 while it warms up).</summary>
    public int EffectiveWeight => Warmup.IsWarm ? Math.Clamp(Rollout.CandidateWeight, 0, 100) : 0;
}
