using Microsoft.Extensions.Primitives;
using Microsoft.ML;

namespace MLOps.Monitoring.Tests.Support;

/// <summary>A model source the test switches to another version (copied in spirit from the Core tests' TestModelSource).</summary>
public sealed class SwitchableModelSource(ITransformer model) : ModelSource
{
    private readonly Lock _lock = new();
    private CancellationTokenSource _changed = new();
    private int _version = 1;

    public override string Description => "switchable test source";

    /// <summary>Serves the same model as the next version and signals the change.</summary>
    public void Publish(int version)
    {
        CancellationTokenSource fired;
        lock (_lock)
        {
            _version = version;
            fired = _changed;
            _changed = new CancellationTokenSource();
        }

        fired.Cancel();
    }

    public override ValueTask<LoadedModel?> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult<LoadedModel?>(new LoadedModel(model, new ModelVersion(_version), "v" + _version, ownsModel: false));
        }
    }

    public override IChangeToken? Watch()
    {
        lock (_lock)
        {
            return new CancellationChangeToken(_changed.Token);
        }
    }
}
