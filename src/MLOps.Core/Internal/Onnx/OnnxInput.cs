using Microsoft.ML.OnnxRuntime;

namespace MLOps.Internal.Onnx;

/// <summary>One graph input of one predictor: a pinned buffer the predictor's I/O binding reads, filled from <c>TIn</c>.</summary>
internal abstract class OnnxInput<TIn> : IDisposable
    where TIn : class
{
    public abstract string Name { get; }

    public abstract OrtValue Value { get; }

    /// <summary>Copies the input's property into the buffer.</summary>
    public abstract void Write(TIn input);

    /// <summary>Creates a tensor of the inputs' properties stacked along the batch dimension (the caller disposes it).</summary>
    public abstract OrtValue CreateBatch(IReadOnlyList<TIn> inputs);

    public abstract void Dispose();

    /// <summary>Creates the factory of an input's buffers for a tensor of the element type <c>tensor.ElementType</c>.</summary>
    public static Func<OnnxInput<TIn>> Factory(OnnxTensor tensor) =>
        (Func<OnnxInput<TIn>>)typeof(OnnxInput<TIn>).GetMethod(nameof(FactoryOf), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(tensor.ElementType)
            .Invoke(null, [tensor])!;

    private static Func<OnnxInput<TIn>> FactoryOf<T>(OnnxTensor tensor)
        where T : unmanaged
    {
        if (tensor.IsVector)
        {
            Func<TIn, T[]> vector = tensor.Property.GetMethod!.CreateDelegate<Func<TIn, T[]>>();
            return () => new Vector<T>(tensor, vector);
        }

        Func<TIn, T> scalar = tensor.Property.GetMethod!.CreateDelegate<Func<TIn, T>>();
        return () => new Scalar<T>(tensor, scalar);
    }

    private sealed class Scalar<T>(OnnxTensor tensor, Func<TIn, T> get) : OnnxInput<TIn>
        where T : unmanaged
    {
        private readonly T[] _data = new T[1];
        private OrtValue? _value;

        public override string Name => tensor.Name;

        public override OrtValue Value => _value ??= OrtValue.CreateTensorValueFromMemory(_data, tensor.Shape);

        public override void Write(TIn input) => _data[0] = get(input);

        public override OrtValue CreateBatch(IReadOnlyList<TIn> inputs)
        {
            var data = new T[inputs.Count];
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = get(inputs[i]);
            }

            return OrtValue.CreateTensorValueFromMemory(data, tensor.BatchShape(data.Length));
        }

        public override void Dispose() => _value?.Dispose();
    }

    private sealed class Vector<T>(OnnxTensor tensor, Func<TIn, T[]> get) : OnnxInput<TIn>
        where T : unmanaged
    {
        private readonly T[] _data = new T[tensor.Count];
        private OrtValue? _value;

        public override string Name => tensor.Name;

        public override OrtValue Value => _value ??= OrtValue.CreateTensorValueFromMemory(_data, tensor.Shape);

        public override void Write(TIn input) => Check(get(input)).CopyTo(_data, 0);

        public override OrtValue CreateBatch(IReadOnlyList<TIn> inputs)
        {
            var data = new T[inputs.Count * _data.Length];
            for (int i = 0; i < inputs.Count; i++)
            {
                Check(get(inputs[i])).CopyTo(data, i * _data.Length);
            }

            return OrtValue.CreateTensorValueFromMemory(data, tensor.BatchShape(inputs.Count));
        }

        private T[] Check(T[]? values)
        {
            if (values is null)
            {
                throw new InvalidPredictionException(
                    $"{typeof(TIn).Name}.{tensor.Property.Name} is null; the graph input '{tensor.Name}' needs {tensor.Count} values.");
            }

            if (values.Length != _data.Length)
            {
                throw new InvalidPredictionException(
                    $"{typeof(TIn).Name}.{tensor.Property.Name} has {values.Length} values; the graph input '{tensor.Name}' needs {_data.Length}.");
            }

            return values;
        }

        public override void Dispose() => _value?.Dispose();
    }
}
