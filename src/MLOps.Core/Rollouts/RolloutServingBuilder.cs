namespace MLOps;

/// <summary>
/// Configures how a model served from the registry takes part in its rollouts (<see cref="Rollout"/>): which key assigns
/// a request to an arm, and how many mirrored requests (shadow and warm-up) may wait for the candidate. Created by
/// <see cref="ModelServingBuilder{TIn, TOut}.WithRollouts"/>; without it a model still follows its rollouts, with random
/// assignment and the default queue.
/// </summary>
/// <typeparam name="TIn">The model's input type.</typeparam>
/// <remarks>
/// <para>
/// <b>Sticky assignment.</b> A request with a key goes to the candidate when its bucket,
/// <c>xxh3_64(utf8(key), seed: xxh3_64(utf8(rolloutId))) mod 10000</c>, is below the candidate's weight × 100. The same
/// key therefore gets the same arm on every replica and after a restart, a key on the candidate stays there as the weight
/// grows, and a new rollout (a new id) draws new buckets. A key passed to
/// <see cref="IModelClient{TIn, TOut}.Predict(TIn, string?)"/> wins over <see cref="AssignBy"/>; a request with neither,
/// or whose key is <see langword="null"/>, is assigned at random.
/// </para>
/// <para>
/// <b>Mirroring.</b> A shadow's share of requests, and every request while a candidate warms up, are copied to the
/// candidate through one bounded queue per model and predicted on a background worker, off the caller's path. When the
/// queue is full the copy is dropped (a shadow copy is counted in <c>mlops.shadow.dropped</c>); the caller never waits.
/// </para>
/// </remarks>
public sealed class RolloutServingBuilder<TIn>
    where TIn : class
{
    /// <summary>The default capacity of the mirror queue: 1024 requests.</summary>
    public const int DefaultMirrorQueueCapacity = 1024;

    /// <summary>The largest capacity of the mirror queue: 1,048,576 requests.</summary>
    public const int MaxMirrorQueueCapacity = 1 << 20;

    internal RolloutServingBuilder()
    {
    }

    internal Func<TIn, string?>? KeySelector { get; private set; }

    internal int QueueCapacity { get; private set; } = DefaultMirrorQueueCapacity;

    /// <summary>
    /// Assigns each request to an arm by a key taken from its input, such as a customer id, so that one customer always
    /// sees the same version during a rollout. A <see langword="null"/> key is assigned at random.
    /// </summary>
    /// <param name="key">Returns the request's key; called once per prediction (once per batch, on its first input).</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    public RolloutServingBuilder<TIn> AssignBy(Func<TIn, string?> key)
    {
        ArgumentNullException.ThrowIfNull(key);
        KeySelector = key;
        return this;
    }

    /// <summary>Sets how many mirrored requests (shadow and warm-up) may wait for the candidate before new ones are dropped.</summary>
    /// <param name="capacity">The capacity, from 1 to <see cref="MaxMirrorQueueCapacity"/>; the default is <see cref="DefaultMirrorQueueCapacity"/>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is below 1 or above <see cref="MaxMirrorQueueCapacity"/>.</exception>
    public RolloutServingBuilder<TIn> MirrorQueueCapacity(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, MaxMirrorQueueCapacity);
        QueueCapacity = capacity;
        return this;
    }
}
