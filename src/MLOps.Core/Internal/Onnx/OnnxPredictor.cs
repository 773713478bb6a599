using Microsoft.ML.OnnxRuntime;

namespace MLOps.Internal.Onnx;

/// <summary>
/// One pooled ONNX predictor: input and output buffers pinned once and bound to the session, so a prediction copies the
/// input in, runs the graph and copies the outputs out, with no managed allocation besides the <typeparamref name="TOut"/>.
/// </summary>
internal sealed class OnnxPredictor<TIn, TOut> : ModelPredictor<TIn, TOut>
    where TIn : class
    where TOut : class, new()
{
    private readonly InferenceSession _session;
    private readonly OnnxInput<TIn>[] _inputs;
    private readonly OnnxOutput<TOut>[] _outputs;
    private readonly RunOptions _runOptions = new();
    private readonly OrtIoBinding _binding;

    public OnnxPredictor(InferenceSession session, OnnxBinding<TIn, TOut> binding)
    {
        _session = session;
        _inputs = Array.ConvertAll(binding.Inputs, create => create());
        _outputs = Array.ConvertAll(binding.Outputs, create => create());
        _binding = session.CreateIoBinding();
        foreach (OnnxInput<TIn> input in _inputs)
        {
            _binding.BindInput(input.Name, input.Value);
        }

        foreach (OnnxOutput<TOut> output in _outputs)
        {
            _binding.BindOutput(output.Name, output.Value);
        }
    }

    public override TOut Predict(TIn input)
    {
        OnnxInput<TIn>[] inputs = _inputs;
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i].Write(input);
        }

        _session.RunWithBinding(_runOptions, _binding);
        var result = new TOut();
        OnnxOutput<TOut>[] outputs = _outputs;
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i].Read(result);
        }

        return result;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _binding.Dispose();
            _runOptions.Dispose();
            foreach (OnnxInput<TIn> input in _inputs)
            {
                input.Dispose();
            }

            foreach (OnnxOutput<TOut> output in _outputs)
            {
                output.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
