using Microsoft.ML;

namespace MLOps.Internal;

/// <summary>The ML.NET model zip format: <c>.zip</c>, and the fallback for a file no other format claims.</summary>
internal sealed class MLNetModelFormat : IModelFormat
{
    public string Name => ModelFormats.MLNet;

    public bool CanLoad(string artifactPath) => artifactPath.EndsWith(".zip", StringComparison.OrdinalIgnoreCase);

    public InferenceModel Load(ReadOnlyMemory<byte> artifact, ModelLoadContext context)
    {
        ITransformer model;
        using (MemoryStream stream = ModelFormatSet.OpenRead(artifact))
        {
            model = context.MLContext.Model.Load(stream, out _);
        }

        return new MLNetModel(model);
    }
}
