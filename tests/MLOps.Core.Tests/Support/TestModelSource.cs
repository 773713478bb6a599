using Microsoft.Extensions.Primitives;
using Microsoft.ML;

namespace MLOps.Core.Tests.Support;

/// <summary>A source the test drives: set the next model, then reload (or fire the change token).</summary>
public sealed class TestModelSource : ModelSource
{
    private readonly object _lock = new();
    private CancellationTokenSource _cts = new();
    private Func<ModelLoadContext, LoadedModel?> _next;

    public TestModelSource(Func<ModelLoadContext, LoadedModel?> next) => _next = next;

    public int Loads { get; private set; }

    public bool Disposed { get; private set; }

    public override string Description => "test source";

    public void SetNext(Func<ModelLoadContext, LoadedModel?> next)
    {
        lock (_lock)
        {
            _next = next;
        }
    }

    public void SetNext(ITransformer model, int version) =>
        SetNext(_ => new LoadedModel(model, new ModelVersion(version), "v" + version, ownsModel: false));

    public void FireChange()
    {
        CancellationTokenSource fired;
        lock (_lock)
        {
            fired = _cts;
            _cts = new CancellationTokenSource();
        }

        fired.Cancel();
    }

    public override ValueTask<LoadedModel?> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken)
    {
        Func<ModelLoadContext, LoadedModel?> next;
        lock (_lock)
        {
            next = _next;
            Loads++;
        }

        return ValueTask.FromResult(next(context));
    }

    public override IChangeToken? Watch()
    {
        lock (_lock)
        {
            return new CancellationChangeToken(_cts.Token);
        }
    }

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }
}
