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
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly bool _allocatedOutputs;

    public OnnxPredictor(InferenceSession session, OnnxBinding<TIn, TOut> binding)
    {
        _session = session;
        _inputs = Array.ConvertAll(binding.Inputs, create => create());
        _outputs = Array.ConvertAll(binding.Outputs, create => create());
        _binding = session.CreateIoBinding();
        _inputNames = Array.ConvertAll(_inputs, i => i.Name);
        _outputNames = Array.ConvertAll(_outputs, o => o.Name);
        CanPredictBatch = binding.Batched;
        foreach (OnnxInput<TIn> input in _inputs)
        {
            _binding.BindInput(input.Name, input.Value);
        }

        foreach (OnnxOutput<TOut> output in _outputs)
        {
            if (output.Preallocated)
            {
                _binding.BindOutput(output.Name, output.Value);
            }
            else
            {
                _binding.BindOutputToDevice(output.Name, OrtMemoryInfo.DefaultInstance);
                _allocatedOutputs = true;
            }
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
        if (_allocatedOutputs)
        {
            ReadAllocated(result);
            return result;
        }

        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i].Read(result);
        }

        return result;
    }

    /// <summary>Reads outputs ONNX Runtime allocated (strings, ZipMaps) beside the bound buffers; their values come in binding order.</summary>
    private void ReadAllocated(TOut result)
    {
        using IDisposableReadOnlyCollection<OrtValue> values = _binding.GetOutputValues();
        for (int i = 0; i < _outputs.Length; i++)
        {
            if (_outputs[i].Preallocated)
            {
                _outputs[i].Read(result);
            }
            else
            {
                _outputs[i].ReadFrom(values[i], result);
            }
        }
    }

    /// <summary>Gets whether every input and output has a dynamic batch dimension, so a batch runs in one session call.</summary>
    internal override bool CanPredictBatch { get; }

    internal override TOut[] PredictBatch(IReadOnlyList<TIn> inputs)
    {
        int rows = inputs.Count;
        var inputValues = new OrtValue?[_inputs.Length];
        var outputValues = new OrtValue?[_outputs.Length];
        try
        {
            for (int i = 0; i < _inputs.Length; i++)
            {
                inputValues[i] = _inputs[i].CreateBatch(inputs);
            }

            for (int i = 0; i < _outputs.Length; i++)
            {
                outputValues[i] = _outputs[i].CreateBatch(rows);
            }

            _session.Run(_runOptions, _inputNames, inputValues!, _outputNames, outputValues!);
            var results = new TOut[rows];
            for (int row = 0; row < rows; row++)
            {
                var result = new TOut();
                foreach (OnnxOutput<TOut> output in _outputs)
                {
                    output.ReadBatch(result, row);
                }

                results[row] = result;
            }

            return results;
        }
        finally
        {
            foreach (OrtValue? value in inputValues)
            {
                value?.Dispose();
            }

            foreach (OrtValue? value in outputValues)
            {
                value?.Dispose();
            }

            foreach (OnnxOutput<TOut> output in _outputs)
            {
                output.EndBatch();
            }
        }
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
