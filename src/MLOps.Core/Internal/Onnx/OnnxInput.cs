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
        tensor.ElementType == typeof(string) ? () => new Strings(tensor) : (Func<OnnxInput<TIn>>)typeof(OnnxInput<TIn>).GetMethod(nameof(FactoryOf), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
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
        private readonly T[] _data = OnnxMemory.Allocate<T>(1);
        private OrtValue? _value;

        public override string Name => tensor.Name;

        public override OrtValue Value => _value ??= OnnxMemory.Tensor(_data, tensor.Shape);

        public override void Write(TIn input) => _data[0] = get(input);

        public override OrtValue CreateBatch(IReadOnlyList<TIn> inputs)
        {
            var data = OnnxMemory.Allocate<T>(inputs.Count);
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = get(inputs[i]);
            }

            return OnnxMemory.Tensor(data, tensor.BatchShape(data.Length));
        }

        public override void Dispose() => _value?.Dispose();
    }

    private sealed class Vector<T>(OnnxTensor tensor, Func<TIn, T[]> get) : OnnxInput<TIn>
        where T : unmanaged
    {
        private readonly T[] _data = OnnxMemory.Allocate<T>(tensor.Count);
        private OrtValue? _value;

        public override string Name => tensor.Name;

        public override OrtValue Value => _value ??= OnnxMemory.Tensor(_data, tensor.Shape);

        public override void Write(TIn input) => Check(get(input)).CopyTo(_data, 0);

        public override OrtValue CreateBatch(IReadOnlyList<TIn> inputs)
        {
            var data = OnnxMemory.Allocate<T>(inputs.Count * _data.Length);
            for (int i = 0; i < inputs.Count; i++)
            {
                Check(get(inputs[i])).CopyTo(data, i * _data.Length);
            }

            return OnnxMemory.Tensor(data, tensor.BatchShape(inputs.Count));
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

    /// <summary>A string input: one string tensor per predictor (strings are not pinned memory), its elements set per prediction.</summary>
    private sealed class Strings(OnnxTensor tensor) : OnnxInput<TIn>
    {
        private readonly Func<TIn, string?>? _scalar = tensor.IsVector ? null : tensor.Property.GetMethod!.CreateDelegate<Func<TIn, string?>>();
        private readonly Func<TIn, string?[]?>? _vector = tensor.IsVector ? tensor.Property.GetMethod!.CreateDelegate<Func<TIn, string?[]?>>() : null;
        private OrtValue? _value;

        public override string Name => tensor.Name;

        public override OrtValue Value => _value ??= OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, tensor.Shape);

        public override void Write(TIn input)
        {
            OrtValue value = Value;
            if (_scalar is not null)
            {
                value.StringTensorSetElementAt(_scalar(input) ?? throw Null(), 0);
                return;
            }

            string?[] values = _vector!(input) ?? throw Null();
            if (values.Length != tensor.Count)
            {
                throw new InvalidPredictionException(
                    $"{typeof(TIn).Name}.{tensor.Property.Name} has {values.Length} values; the graph input '{tensor.Name}' needs {tensor.Count}.");
            }

            for (int i = 0; i < values.Length; i++)
            {
                value.StringTensorSetElementAt(values[i] ?? throw Null(), i);
            }
        }

        public override OrtValue CreateBatch(IReadOnlyList<TIn> inputs) => throw new NotSupportedException("String tensors run row by row.");

        public override void Dispose() => _value?.Dispose();

        private InvalidPredictionException Null() =>
            new($"{typeof(TIn).Name}.{tensor.Property.Name} holds a null string; the graph input '{tensor.Name}' needs text (an empty string for none).");
    }
}
