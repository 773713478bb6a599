using System.Reflection;
using System.Runtime.ExceptionServices;

namespace MLOps.Registry.Tests.Support;

/// <summary>An <see cref="IModelRegistry"/> that forwards every call to another one, except that it can fail artifact reads.</summary>
public class FlakyModelRegistry : DispatchProxy
{
    private IModelRegistry _inner = null!;
    private int _failReads;

    /// <summary>Sets how many of the next artifact reads fail with a transient storage error.</summary>
    public int FailReads
    {
        set => Volatile.Write(ref _failReads, value);
    }

    public static IModelRegistry Wrap(IModelRegistry inner, out FlakyModelRegistry faults)
    {
        IModelRegistry proxy = Create<IModelRegistry, FlakyModelRegistry>();
        faults = (FlakyModelRegistry)(object)proxy;
        faults._inner = inner;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name == nameof(IModelRegistry.OpenArtifactAsync) && Interlocked.Decrement(ref _failReads) >= 0)
        {
            return Task.FromException<Stream>(new ModelRegistryException(RegistryErrorCode.Storage, "Simulated transient storage failure."));
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }
    }
}
