using System.Runtime.CompilerServices;
using Microsoft.ML;

namespace MLOps.Internal;

/// <summary>Serves an in-memory transformer the application owns; it is version 1 and never changes.</summary>
internal sealed class TransformerModelSource : ModelSource
{
    private readonly ITransformer _model;
    private readonly string _fingerprint;

    public TransformerModelSource(ITransformer model)
    {
        _model = model;
        _fingerprint = "transformer:" + RuntimeHelpers.GetHashCode(model).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
    }

    public override string Description => $"in-memory transformer {_model.GetType().Name}";

    public override ValueTask<LoadedModel?> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(context.CurrentFingerprint == _fingerprint
            ? null
            : new LoadedModel(_model, new ModelVersion(1), _fingerprint, ownsModel: false));
}
