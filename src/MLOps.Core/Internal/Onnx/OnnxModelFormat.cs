using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace MLOps.Internal.Onnx;

/// <summary>The ONNX format (<c>.onnx</c>), run by ONNX Runtime.</summary>
/// <remarks>
/// Core references only the managed API (Microsoft.ML.OnnxRuntime.Managed); the application adds the package with the
/// native library (Microsoft.ML.OnnxRuntime, or .Gpu). Without it the first ONNX load fails with a message saying so,
/// and ML.NET models keep working. Failures are thrown as <see cref="InvalidOperationException"/>s, which the runtime
/// reports as a <see cref="ModelLoadException"/> naming the model and its source.
/// </remarks>
internal sealed class OnnxModelFormat : IModelFormat
{
    public string Name => ModelFormats.Onnx;

    public bool CanLoad(string artifactPath) => artifactPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    public InferenceModel Load(ReadOnlyMemory<byte> artifact, ModelLoadContext context)
    {
        byte[] bytes = MemoryMarshal.TryGetArray(artifact, out ArraySegment<byte> segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : artifact.ToArray();
        InferenceSession session;
        try
        {
            using SessionOptions options = OnnxModel.CreateSessionOptions();
            session = new InferenceSession(bytes, options);
        }
        catch (Exception ex) when (ex is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            throw new InvalidOperationException(
                "ONNX Runtime's native library cannot be loaded: add the Microsoft.ML.OnnxRuntime package (version 1.32.0, or its .Gpu variant) " +
                "to the application. " + ex.Message,
                ex);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InvalidOperationException($"ONNX Runtime cannot load the graph: {ex.Message}", ex);
        }

        return new OnnxModel(session);
    }
}
