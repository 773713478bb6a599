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

        public override void Dispose() => _value?.Dispose();
    }

    private sealed class Vector<T>(OnnxTensor tensor, Func<TIn, T[]> get) : OnnxInput<TIn>
        where T : unmanaged
    {
        private readonly T[] _data = new T[tensor.Count];
        private OrtValue? _value;

        public override string Name => tensor.Name;

        public override OrtValue Value => _value ??= OrtValue.CreateTensorValueFromMemory(_data, tensor.Shape);

        public override void Write(TIn input)
        {
            T[] values = get(input) ?? throw new InvalidPredictionException(
                $"{typeof(TIn).Name}.{tensor.Property.Name} is null; the graph input '{tensor.Name}' needs {tensor.Count} values.");
            if (values.Length != _data.Length)
            {
                throw new InvalidPredictionException(
                    $"{typeof(TIn).Name}.{tensor.Property.Name} has {values.Length} values; the graph input '{tensor.Name}' needs {_data.Length}.");
            }

            values.CopyTo(_data, 0);
        }

        public override void Dispose() => _value?.Dispose();
    }
}
