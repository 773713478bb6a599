using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;

namespace MLOps.Internal.Onnx;

/// <summary>An ONNX graph in one <see cref="InferenceSession"/>, shared by all the predictors of a version.</summary>
/// <remarks>
/// A session runs concurrent predictions safely; each predictor owns its input and output buffers and an I/O binding
/// over them. The session runs each prediction on the calling thread (one intra-op thread): serving parallelism comes
/// from concurrent requests, and small models lose more to thread hand-off than they gain from splitting one row.
/// </remarks>
internal sealed class OnnxModel : InferenceModel
{
    private readonly ConcurrentDictionary<(Type In, Type Out), object> _bindings = new();

    public OnnxModel(InferenceSession session)
    {
        Session = session;
        Signature = OnnxTensor.Signature(session);
    }

    public InferenceSession Session { get; }

    public override string Format => ModelFormats.Onnx;

    public override ModelSignature Signature { get; }

    public static SessionOptions CreateSessionOptions() => new()
    {
        IntraOpNumThreads = 1,
        InterOpNumThreads = 1,
        ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
    };

    public override ModelPredictor<TIn, TOut> CreatePredictor<TIn, TOut>()
    {
        // The mapping is checked and built once per type pair (when the version loads); each predictor only allocates buffers.
        var binding = (OnnxBinding<TIn, TOut>)_bindings.GetOrAdd((typeof(TIn), typeof(TOut)), static (_, session) => OnnxBinding<TIn, TOut>.Create(session), Session);
        return new OnnxPredictor<TIn, TOut>(Session, binding);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Session.Dispose();
        }

        base.Dispose(disposing);
    }
}
