using System.Reflection;

namespace MLOps.Monitoring.Tests.Rollouts.Support;

/// <summary>
/// A test decorator over a real registry: every call goes through, except that <see cref="Down"/> makes the rollout
/// calls fail as an unreachable registry would, <see cref="BeforeUpdate"/> lets a test act as a concurrent writer, and
/// <see cref="Updates"/> counts the decisions that reached the registry.
/// </summary>
public class FaultyRegistry : DispatchProxy
{
    private IModelRegistry _inner = null!;
    private int _updates;

    /// <summary>Gets or sets whether the registry is unreachable (every rollout call throws <see cref="IOException"/>).</summary>
    public bool Down { get; set; }

    /// <summary>Gets the number of <see cref="IModelRegistry.UpdateRolloutAsync"/> calls that reached the registry.</summary>
    public int Updates => Volatile.Read(ref _updates);

    /// <summary>Runs before an update reaches the registry (a test records another decision here to simulate a concurrent writer).</summary>
    public Func<UpdateRolloutRequest, Task>? BeforeUpdate { get; set; }

    public static (IModelRegistry Registry, FaultyRegistry Faults) Over(IModelRegistry inner)
    {
        IModelRegistry proxy = Create<IModelRegistry, FaultyRegistry>();
        var faults = (FaultyRegistry)(object)proxy;
        faults._inner = inner;
        return (proxy, faults);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        bool rollout = targetMethod.Name.Contains("Rollout", StringComparison.Ordinal);
        if (rollout && Down)
        {
            var unreachable = new IOException("The registry cannot be reached.");
            return targetMethod.ReturnType == typeof(Task<Rollout?>) ? Task.FromException<Rollout?>(unreachable)
                : targetMethod.ReturnType == typeof(Task<Rollout>) ? Task.FromException<Rollout>(unreachable)
                : Task.FromException<IReadOnlyList<Rollout>>(unreachable);
        }

        if (targetMethod.Name == nameof(IModelRegistry.UpdateRolloutAsync))
        {
            return UpdateAsync((UpdateRolloutRequest)args![0]!, (CancellationToken)args[1]!);
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    private async Task<Rollout> UpdateAsync(UpdateRolloutRequest request, CancellationToken cancellationToken)
    {
        if (BeforeUpdate is { } before)
        {
            await before(request);
        }

        Interlocked.Increment(ref _updates);
        return await _inner.UpdateRolloutAsync(request, cancellationToken);
    }
}
